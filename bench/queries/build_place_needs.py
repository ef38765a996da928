#!/usr/bin/env python3
"""Build graded needs that name a place, for the place preference (standard library only).

    python3 bench/queries/build_place_needs.py

Writes ``place_needs.jsonl`` next to this script: ``{"id", "need", "language", "topic",
"subtopic", "place", "countries", "relevance": {member_id: grade}}``.

The needs below were written by hand, blind to the member labels: their author chose topics
from the taxonomy and places from the community's overall spread of countries (50 countries)
and never looked at which members hold which topic where. Grading is topic first:

    topic grade g (1-3) by the rule of README.md (build_labels.grade)
    g + 1  when the member's country is one of the need's countries (on topic and in the place:
           the top grade is 4)
    g      on topic, elsewhere
    -      in the place but off topic (grade 0, not listed), or neither

A need's countries are given by hand for a country or a city; for a region they are the
region's list in indexing/data/regions.json (the region's definition), read by id.
"""
import json
import os
import sys
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from build_labels import GROUND_TRUTH, eligible, grade  # noqa: E402

REGIONS = os.path.join(ROOT, "indexing", "data", "regions.json")
MEMBERS = os.path.join(ROOT, "data", "members.jsonl")

# (id, language, topic, subtopic, place: a region id "@id" or country codes, need)
NEEDS = [
    ("pl01", "en", "wash_sanitation", "faecal_sludge_management", "@west_africa",
     "Who can help with faecal sludge treatment in West Africa?"),
    ("pl02", "en", "non_revenue_water", "leak_detection", "KE",
     "Leak detection specialist for a utility in Nairobi"),
    ("pl03", "en", "desalination", "swro_plants", "@mena",
     "Seawater reverse osmosis plant design experience in the MENA region"),
    ("pl04", "en", "drought_risk", "pastoral_drought_resilience", "@sahel",
     "Pastoralist drought resilience and water points in the Sahel"),
    ("pl05", "en", "climate_adaptation", "glacier_mountain_water", "@andes",
     "Glacier retreat and mountain water supply in the Andes"),
    ("pl06", "en", "groundwater", "aquifer_overabstraction", "IN",
     "Groundwater over-abstraction and falling water tables in India"),
    ("pl07", "en", "flood_risk", "urban_drainage_sponge", "BR",
     "Urban drainage and sponge city measures for São Paulo"),
    ("pl08", "en", "wastewater_reuse", "agricultural_reuse", "JO",
     "Treated wastewater reuse for irrigation in Jordan"),
    ("pl09", "en", "water_quality", "geogenic_contaminants", "BD",
     "Arsenic in tube wells in Bangladesh: who has worked on it?"),
    ("pl10", "en", "irrigation", "water_user_associations", "MA",
     "Water user associations in irrigation schemes in Morocco"),
    ("pl11", "en", "water_finance", "tariff_design", "@east_africa",
     "Water tariff design for utilities in East Africa"),
    ("pl12", "en", "hydroinformatics_scada", "scada_telemetry", "ZA",
     "SCADA and telemetry upgrade for a water board in South Africa"),
    ("pl13", "en", "water_governance", "rural_water_service_models", "UG",
     "Rural water service delivery models in Uganda"),
    ("pl14", "en", "iwrm", "river_basin_planning", "@south_asia",
     "River basin planning experience in South Asia"),
    ("pl15", "en", "wash_sanitation", "clts_rural_sanitation", "ET",
     "Community-led total sanitation in rural Ethiopia"),
    ("pl16", "en", "non_revenue_water", "intermittent_supply", "IN",
     "Moving from intermittent to 24/7 supply in an Indian city like Delhi"),
    ("pl17", "en", "flood_risk", "flood_early_warning", "NP",
     "Flood early warning systems in Nepal"),
    ("pl18", "en", "transboundary_basins", "hydro_diplomacy", "@nile_basin",
     "Hydro-diplomacy and cooperation in the Nile basin"),
    ("pl19", "en", "climate_adaptation", "climate_resilient_wash", "@southern_africa",
     "Climate-resilient WASH services in Southern Africa"),
    ("pl20", "en", "water_quality", "water_safety_plans", "GH",
     "Water safety plans for small towns in Ghana"),
    ("pl21", "en", "drought_risk", "rainwater_harvesting", "MX",
     "Rainwater harvesting for schools in Mexico"),
    ("pl22", "en", "groundwater", "coastal_salinisation", "EG",
     "Saltwater intrusion into coastal aquifers of the Nile Delta in Egypt"),
    ("pl23", "en", "water_finance", "blended_finance_bonds", "@latin_america",
     "Blended finance and water bonds in Latin America"),
    ("pl24", "en", "irrigation", "solar_irrigation", "@southeast_asia",
     "Solar-powered irrigation pumps for smallholders in Southeast Asia"),
    ("pl25", "fr", "wash_sanitation", "citywide_inclusive_sanitation", "SN",
     "Assainissement inclusif à l'échelle de la ville à Dakar"),
    ("pl26", "fr", "non_revenue_water", "district_metered_areas", "@maghreb",
     "Sectorisation des réseaux et eau non facturée au Maghreb"),
    ("pl27", "fr", "water_governance", "utility_regulation", "CI",
     "Régulation des services d'eau en Côte d'Ivoire"),
    ("pl28", "es", "iwrm", "water_allocation_permits", "PE",
     "Asignación de derechos de agua y licencias en el Perú"),
    ("pl29", "es", "flood_risk", "flood_hazard_mapping", "CO",
     "Mapas de amenaza por inundación en Colombia"),
    ("pl30", "pt", "wastewater_reuse", "nature_based_treatment", "BR",
     "Wetlands construídos para tratamento de esgoto no Brasil"),
    ("pl31", "pt", "water_governance", "policy_legal_reform", "MZ",
     "Reforma do quadro legal do abastecimento de água em Moçambique"),
    ("pl32", "ar", "desalination", "brine_management", "SA",
     "إدارة المحلول الملحي من محطات التحلية في السعودية"),
    ("pl33", "ar", "drought_risk", "drought_monitoring", "@middle_east",
     "رصد الجفاف والإنذار المبكر في الشرق الأوسط"),
]


def main():
    with open(GROUND_TRUTH, encoding="utf-8") as fh:
        members = json.load(fh)["members"]
    with open(REGIONS, encoding="utf-8") as fh:
        regions = json.load(fh)
    with open(MEMBERS, encoding="utf-8") as fh:
        country = {m["id"]: m["country"] for m in map(json.loads, fh)}
    out = []
    for nid, lang, topic, subtopic, place, need in NEEDS:
        codes = regions[place[1:]]["countries"] if place.startswith("@") else place.split(",")
        rel = {}
        for mid, info in members.items():
            if not eligible(info):
                continue
            g = grade(info, topic, subtopic)
            if g:
                rel[mid] = g + (1 if country.get(mid) in codes else 0)
        rel = OrderedDict(sorted(rel.items(), key=lambda kv: (-kv[1], kv[0])))
        out.append({"id": nid, "need": need, "language": lang, "topic": topic,
                    "subtopic": subtopic, "place": place, "countries": sorted(codes),
                    "relevance": rel})
    path = os.path.join(HERE, "place_needs.jsonl")
    with open(path, "w", encoding="utf-8") as fh:
        for obj in out:
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    top = sum(1 for o in out if 4 in o["relevance"].values())
    print(f"{len(out)} needs -> {path}; {top} with a member on topic in the place")


if __name__ == "__main__":
    main()
