#!/usr/bin/env python3
"""Build a held-out set of "who knows X" needs written natively (standard library only).

    python3 bench/queries/build_native_needs.py

80 needs, 20 each in French (n01-n20), Spanish (n21-n40), Portuguese (n41-n60) and Arabic
(n61-n80, Modern Standard Arabic). Each was written first in its language, as a practitioner
there would type it (Dakar/Abidjan, Peru/Colombia, Maputo/Sao Paulo, Amman/Rabat), then given a
faithful English rendering. They were written without looking at the glossary or at the
existing needs (water_needs*.jsonl), so they can serve as a held-out check of cross-lingual
matching.

Writes, next to this script:

    native_needs.jsonl  {"id", "language", "need", "en", "topic", "subtopic", "relevance": {member_id: grade}}

Grades use exactly the rule of build_labels.py (imported from it, see README.md):
3 primary subtopic, 2 primary topic, 1 secondary topic; ineligible members are skipped.
"""
import json
import os
import sys
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from build_labels import GROUND_TRUTH, relevance  # noqa: E402

LANGUAGES = ("fr", "es", "pt", "ar")

# (id, language, topic, subtopic, native_text, english_text)
NATIVE = [
    # --- French: utility / ministry engineers in Dakar, Abidjan, the Sahel ---
    ("n01", "fr", "wash_sanitation", "faecal_sludge_management",
     "Qui maîtrise la filière boues de vidange ? On dimensionne une STBV pour la banlieue de Dakar "
     "et il faut organiser les vidangeurs.",
     "Who knows the faecal sludge chain? We're sizing a faecal sludge treatment plant for the Dakar "
     "suburbs and need to organise the pit emptiers."),
    ("n02", "fr", "wash_sanitation", "clts_rural_sanitation",
     "Cherche un expert ATPC pour accompagner des villages vers la certification FDAL en Casamance",
     "Looking for a CLTS expert to support villages towards ODF certification in Casamance"),
    ("n03", "fr", "non_revenue_water", "leak_detection",
     "Recherche active de fuites sur le réseau d'Abidjan : quelqu'un a l'expérience des "
     "prélocalisateurs acoustiques et du corrélateur ?",
     "Active leak detection on the Abidjan network: anyone experienced with acoustic noise loggers "
     "and leak correlators?"),
    ("n04", "fr", "non_revenue_water", "metering_commercial_losses",
     "Pertes commerciales élevées : branchements clandestins, compteurs bloqués, facturation au "
     "forfait. Qui peut nous aider à les réduire ?",
     "High commercial losses: illegal connections, stuck meters, flat-rate billing. Who can help us "
     "reduce them?"),
    ("n05", "fr", "iwrm", "stakeholder_participation",
     "Mise en place des comités de sous-bassin et concertation des usagers dans le cadre de la "
     "GIRE : qui a de l'expérience ?",
     "Setting up sub-basin committees and consulting water users under IWRM: who has experience?"),
    ("n06", "fr", "groundwater", "hydrogeological_mapping",
     "Implantation de forages en zone de socle : besoin d'un hydrogéologue qui fait de la "
     "prospection géophysique (traînés et sondages électriques)",
     "Siting boreholes in hard-rock basement areas: need a hydrogeologist who does geophysical "
     "surveys (resistivity profiling and electrical soundings)"),
    ("n07", "fr", "groundwater", "groundwater_monitoring",
     "Qui peut nous aider à réhabiliter le réseau piézométrique et le suivi de la qualité de la "
     "nappe infrabasaltique ?",
     "Who can help us rehabilitate the piezometer network and the quality monitoring of the "
     "infrabasaltic aquifer?"),
    ("n08", "fr", "wastewater_reuse", "nature_based_treatment",
     "Épuration par lagunage ou filtres plantés de roseaux pour une ville secondaire : qui a déjà "
     "conçu ce type de station ?",
     "Wastewater treatment with stabilisation ponds or planted reed-bed filters for a secondary "
     "town: who has designed this kind of plant before?"),
    ("n09", "fr", "desalination", "small_scale_brackish",
     "Petites unités de dessalement d'eau saumâtre pour les îles du Saloum, osmose inverse compacte "
     ": des retours d'expérience ?",
     "Small brackish-water desalination units for the Saloum islands, compact reverse osmosis: any "
     "lessons from the field?"),
    ("n10", "fr", "flood_risk", "urban_drainage_sponge",
     "Inondations récurrentes à Pikine et Guédiawaye : on cherche un spécialiste du drainage "
     "pluvial et des techniques alternatives (noues, bassins de rétention)",
     "Recurrent flooding in Pikine and Guédiawaye: looking for a specialist in stormwater drainage "
     "and SuDS (swales, retention basins)"),
    ("n11", "fr", "flood_risk", "coastal_flooding",
     "Submersion marine et érosion côtière à Saint-Louis : qui travaille sur l'élévation du niveau "
     "de la mer et les houles de tempête ?",
     "Marine flooding and coastal erosion in Saint-Louis: who works on sea-level rise and storm "
     "surges?"),
    ("n12", "fr", "drought_risk", "pastoral_drought_resilience",
     "Résilience des éleveurs transhumants face aux sécheresses au Sahel, points d'eau pastoraux : "
     "qui connaît le sujet ?",
     "Resilience of transhumant herders to drought in the Sahel, pastoral water points: who knows "
     "the subject?"),
    ("n13", "fr", "climate_adaptation", "adaptation_finance",
     "Besoin d'appui pour monter une note conceptuelle au Fonds vert pour le climat sur un projet "
     "d'eau potable",
     "Need support to put together a Green Climate Fund concept note for a drinking water project"),
    ("n14", "fr", "transboundary_basins", "basin_organisations",
     "Fonctionnement des organismes de bassin comme l'OMVS ou l'ABN : qui a travaillé avec leurs "
     "instances ?",
     "How basin organisations such as OMVS or the Niger Basin Authority work: who has worked with "
     "their bodies?"),
    ("n15", "fr", "water_governance", "rural_water_service_models",
     "Hydraulique rurale : délégation de la gestion des forages motorisés à des opérateurs privés, "
     "type OFOR. Qui a de l'expérience ?",
     "Rural water supply: delegating the management of motorised boreholes to private operators, "
     "OFOR style. Who has experience?"),
    ("n16", "fr", "water_finance", "tariff_design",
     "Étude tarifaire : qui sait construire une grille tarifaire qui couvre les coûts "
     "d'exploitation et de renouvellement ?",
     "Tariff study: who knows how to build a tariff schedule that covers operating and renewal "
     "costs?"),
    ("n17", "fr", "hydroinformatics_scada", "scada_telemetry",
     "Télégestion des forages et châteaux d'eau : on cherche quelqu'un qui a déployé une "
     "supervision SCADA avec télétransmission GSM",
     "Remote management of boreholes and water towers: looking for someone who has deployed SCADA "
     "supervision with GSM telemetry"),
    ("n18", "fr", "water_quality", "geogenic_contaminants",
     "Fluor dans les forages du bassin arachidier, cas de fluorose : qui connaît les solutions de "
     "défluoruration ?",
     "Fluoride in boreholes of the groundnut basin, cases of fluorosis: who knows defluoridation "
     "options?"),
    ("n19", "fr", "irrigation", "water_user_associations",
     "Renforcer les unions hydrauliques et la gestion participative des périmètres irrigués dans "
     "la vallée du fleuve Sénégal",
     "Strengthening water user unions and participatory management of irrigation schemes in the "
     "Senegal River valley"),
    ("n20", "fr", "water_quality", "water_safety_plans",
     "Qui a déjà mis en place un PGSSE (plan de gestion de la sécurité sanitaire des eaux) dans "
     "une régie ?",
     "Who has already implemented a water safety plan in a public water utility?"),

    # --- Spanish: basin authorities, EPS and water companies in Peru and Colombia ---
    ("n21", "es", "iwrm", "water_allocation_permits",
     "¿Quién conoce el trámite de licencias de uso de agua ante la ANA y la formalización de "
     "derechos de agua?",
     "Who knows the procedure for water use licences with the ANA and formalising water rights?"),
    ("n22", "es", "iwrm", "environmental_flows",
     "Necesitamos estimar el caudal ambiental aguas abajo de un embalse en el Magdalena; ¿quién "
     "maneja metodologías holísticas?",
     "We need to estimate the environmental flow downstream of a reservoir on the Magdalena; who "
     "knows holistic methods?"),
    ("n23", "es", "groundwater", "aquifer_overabstraction",
     "Sobreexplotación del acuífero de Ica por la agroexportación: busco experto en gestión y "
     "gobernanza de aguas subterráneas",
     "Over-abstraction of the Ica aquifer by export agriculture: looking for an expert in "
     "groundwater management and governance"),
    ("n24", "es", "wash_sanitation", "sdg6_monitoring",
     "Cómo medir los indicadores ODS 6.1 y 6.2 con la metodología del JMP, agua gestionada de "
     "manera segura",
     "How to measure SDG 6.1 and 6.2 indicators with the JMP methodology, safely managed water"),
    ("n25", "es", "non_revenue_water", "district_metered_areas",
     "Sectorización de la red y balance hídrico IWA en SEDAPAL: ¿quién ha implementado sectores "
     "con macromedición?",
     "Network sectorisation and IWA water balance at SEDAPAL: who has implemented metered sectors "
     "with bulk meters?"),
    ("n26", "es", "wastewater_reuse", "resource_recovery",
     "Aprovechamiento energético del biogás de la PTAR y uso agrícola de los biosólidos en Bogotá, "
     "¿quién tiene experiencia?",
     "Energy use of the wastewater treatment plant's biogas and agricultural use of biosolids in "
     "Bogotá, who has experience?"),
    ("n27", "es", "desalination", "swro_plants",
     "Busco ingeniero con experiencia en operación de plantas desalinizadoras de agua de mar por "
     "ósmosis inversa, como la de Provisur",
     "Looking for an engineer experienced in operating seawater reverse osmosis desalination "
     "plants, like the Provisur one"),
    ("n28", "es", "flood_risk", "flood_early_warning",
     "Sistema de alerta temprana por crecidas de ríos en la costa norte durante el Niño costero, "
     "con pronóstico hidrológico",
     "Early warning system for river floods on the northern coast during coastal El Niño, with "
     "hydrological forecasting"),
    ("n29", "es", "flood_risk", "flood_hazard_mapping",
     "Modelamiento hidráulico con HEC-RAS para elaborar mapas de peligro por inundación en el río "
     "Piura",
     "Hydraulic modelling with HEC-RAS to produce flood hazard maps for the Piura River"),
    ("n30", "es", "drought_risk", "drought_monitoring",
     "Monitoreo de sequías con SPI y SPEI en la sierra sur, ¿alguien ha armado un boletín de "
     "alerta?",
     "Drought monitoring with SPI and SPEI in the southern highlands, has anyone set up an alert "
     "bulletin?"),
    ("n31", "es", "climate_adaptation", "glacier_mountain_water",
     "Retroceso glaciar en la Cordillera Blanca y su efecto en la oferta hídrica de las cuencas: "
     "¿quién investiga esto?",
     "Glacier retreat in the Cordillera Blanca and its effect on water availability in the "
     "basins: who is researching this?"),
    ("n32", "es", "transboundary_basins", "data_sharing_joint_monitoring",
     "Intercambio de datos hidrometeorológicos y monitoreo conjunto del lago Titicaca entre Perú "
     "y Bolivia",
     "Sharing hydrometeorological data and joint monitoring of Lake Titicaca between Peru and "
     "Bolivia"),
    ("n33", "es", "water_governance", "integrity_anticorruption",
     "Riesgos de corrupción en la contratación de obras de agua y saneamiento: busco a alguien "
     "que haya trabajado veedurías ciudadanas y rendición de cuentas",
     "Corruption risks in procurement of water and sanitation works: looking for someone who has "
     "worked on citizen oversight and accountability"),
    ("n34", "es", "water_finance", "results_based_financing",
     "Esquemas de pago por resultados para ampliar conexiones domiciliarias: ¿alguien ha diseñado "
     "un esquema OBA?",
     "Payment-by-results schemes to expand household connections: has anyone designed an OBA "
     "scheme?"),
    ("n35", "es", "water_finance", "affordability_subsidies",
     "Subsidios cruzados por estratos y mínimo vital de agua en Colombia: ¿llegan realmente a los "
     "hogares más pobres?",
     "Cross-subsidies by socio-economic strata and the free basic water allowance in Colombia: do "
     "they really reach the poorest households?"),
    ("n36", "es", "hydroinformatics_scada", "ot_cybersecurity",
     "Ciberseguridad de los sistemas SCADA y PLC de la empresa de acueducto después de un intento "
     "de ransomware",
     "Cybersecurity of the water utility's SCADA systems and PLCs after a ransomware attempt"),
    ("n37", "es", "water_quality", "monitoring_laboratories",
     "Acreditación del laboratorio de control de calidad del agua de una EPS y plan de muestreo, "
     "¿quién asesora?",
     "Accreditation of a water utility's water quality control laboratory and sampling plan, who "
     "can advise?"),
    ("n38", "es", "irrigation", "canal_modernisation",
     "Modernización de un gran proyecto de irrigación tipo Chavimochic: revestimiento de canales, "
     "compuertas automatizadas y medición",
     "Modernising a large irrigation project like Chavimochic: canal lining, automated gates and "
     "flow measurement"),
    ("n39", "es", "water_governance", "rural_water_service_models",
     "Sostenibilidad de las JASS en zonas rurales: modelos de gestión comunal y apoyo de las "
     "municipalidades",
     "Sustainability of rural water and sanitation boards (JASS): community management models and "
     "support from municipalities"),
    ("n40", "es", "iwrm", "stakeholder_participation",
     "Alguien que haya acompañado la conformación de un consejo de recursos hídricos de cuenca con "
     "participación de los usuarios",
     "Someone who has supported setting up a basin water resources council with water user "
     "participation"),

    # --- Portuguese: ministry and utility engineers in Maputo and Sao Paulo ---
    ("n41", "pt", "iwrm", "river_basin_planning",
     "Quem tem experiência em modelagem de alocação de água para o plano de recursos hídricos das "
     "bacias PCJ?",
     "Who has experience with water allocation modelling for the PCJ basins water resources plan?"),
    ("n42", "pt", "groundwater", "managed_aquifer_recharge",
     "Procuro especialista em recarga artificial de aquíferos com bacias de infiltração e poços de "
     "injeção",
     "Looking for a specialist in artificial aquifer recharge with infiltration basins and "
     "injection wells"),
    ("n43", "pt", "wash_sanitation", "citywide_inclusive_sanitation",
     "Planeamento do saneamento urbano para toda a cidade de Maputo, incluindo os bairros "
     "informais: quem conhece a abordagem CWIS?",
     "Urban sanitation planning for the whole of Maputo, including informal settlements: who knows "
     "the CWIS approach?"),
    ("n44", "pt", "wash_sanitation", "school_health_facility_wash",
     "Água, saneamento e higiene nas escolas e unidades sanitárias rurais de Nampula; procuro "
     "alguém com experiência em WASH FIT",
     "Water, sanitation and hygiene in rural schools and health facilities in Nampula; looking for "
     "someone experienced with WASH FIT"),
    ("n45", "pt", "non_revenue_water", "pressure_management",
     "Instalação de VRPs e redução da pressão noturna para diminuir rompimentos na rede: quem já "
     "fez isso numa companhia de saneamento?",
     "Installing PRVs and reducing night-time pressure to cut pipe bursts: who has done this at a "
     "water utility?"),
    ("n46", "pt", "wastewater_reuse", "urban_industrial_reuse",
     "Água de reúso para a indústria a partir de esgoto tratado, nos moldes do Aquapolo em São "
     "Paulo",
     "Reclaimed water for industry from treated sewage, along the lines of Aquapolo in São Paulo"),
    ("n47", "pt", "desalination", "membrane_fouling",
     "Problemas de incrustação e biofouling nas membranas de osmose reversa: quem entende de "
     "pré-tratamento e limpeza química (CIP)?",
     "Scaling and biofouling problems on reverse osmosis membranes: who understands pretreatment "
     "and chemical cleaning (CIP)?"),
    ("n48", "pt", "flood_risk", "nature_based_flood",
     "Soluções baseadas na natureza contra cheias: restauração de zonas húmidas e planícies de "
     "inundação no vale do Limpopo",
     "Nature-based solutions against floods: restoring wetlands and floodplains in the Limpopo "
     "valley"),
    ("n49", "pt", "drought_risk", "rainwater_harvesting",
     "Cisternas de placa e captação de água de chuva no semiárido nordestino: quem trabalhou com o "
     "P1MC?",
     "Plate cisterns and rainwater harvesting in the north-east semi-arid region: who has worked "
     "with the P1MC programme?"),
    ("n50", "pt", "climate_adaptation", "climate_resilient_wash",
     "Como tornar os sistemas de abastecimento de água e saneamento da Beira mais resilientes a "
     "ciclones como o Idai?",
     "How to make Beira's water supply and sanitation systems more resilient to cyclones like "
     "Idai?"),
    ("n51", "pt", "transboundary_basins", "transboundary_aquifers",
     "Gestão compartilhada do Sistema Aquífero Guarani entre os quatro países: quem estuda a "
     "hidrogeologia e a cooperação em torno dele?",
     "Shared management of the Guarani Aquifer System among the four countries: who studies its "
     "hydrogeology and the cooperation around it?"),
    ("n52", "pt", "water_governance", "policy_legal_reform",
     "Impactos do novo marco legal do saneamento (Lei 14.026) na regionalização e nos contratos "
     "de programa",
     "Impacts of the new sanitation legal framework (Law 14.026) on regionalisation and programme "
     "contracts"),
    ("n53", "pt", "water_finance", "blended_finance_bonds",
     "Emissão de debêntures e estruturação de financiamento misto (blended finance) para uma "
     "companhia estadual de saneamento",
     "Issuing debentures and structuring blended finance for a state water and sanitation "
     "company"),
    ("n54", "pt", "water_finance", "utility_creditworthiness",
     "Melhorar a capacidade de crédito do FIPAG para aceder a empréstimos comerciais: quem "
     "trabalha com rating e gestão financeira?",
     "Improving FIPAG's creditworthiness to access commercial loans: who works on credit ratings "
     "and financial management?"),
    ("n55", "pt", "water_quality", "emerging_contaminants",
     "Monitoramento de micropoluentes emergentes (fármacos, PFAS, microplásticos) na água bruta da "
     "represa Billings",
     "Monitoring emerging micropollutants (pharmaceuticals, PFAS, microplastics) in raw water from "
     "the Billings reservoir"),
    ("n56", "pt", "irrigation", "drip_micro_irrigation",
     "Dimensionamento de sistemas de rega gota-a-gota e microaspersão para pequenos produtores em "
     "Chókwè",
     "Designing drip and micro-sprinkler irrigation systems for smallholder farmers in Chókwè"),
    ("n57", "pt", "wash_sanitation", "faecal_sludge_management",
     "Gestão de lamas fecais nos bairros periurbanos de Maputo: esvaziamento de latrinas e estação "
     "de tratamento de lamas",
     "Faecal sludge management in Maputo's peri-urban neighbourhoods: latrine emptying and a "
     "sludge treatment plant"),
    ("n58", "pt", "non_revenue_water", "leak_detection",
     "Pesquisa de vazamentos não visíveis com geofone e loggers de ruído: procuro quem já montou "
     "uma equipe de caça-vazamentos",
     "Finding non-visible leaks with ground microphones and noise loggers: looking for someone who "
     "has set up a leak detection team"),
    ("n59", "pt", "hydroinformatics_scada", "scada_telemetry",
     "Telemetria e automação das estações elevatórias e reservatórios, com integração ao SCADA do "
     "centro de controle operacional",
     "Telemetry and automation of pumping stations and reservoirs, integrated into the operations "
     "control centre's SCADA"),
    ("n60", "pt", "flood_risk", "coastal_flooding",
     "Subida do nível do mar e marés de tempestade na Beira: quem trabalha com inundações costeiras "
     "e proteção da orla?",
     "Sea-level rise and storm surges in Beira: who works on coastal flooding and shoreline "
     "protection?"),

    # --- Arabic (MSA): desalination, utility and ministry specialists in Amman and Rabat ---
    ("n61", "ar", "desalination", "brine_management",
     "من لديه خبرة في إدارة المحلول الملحي المركز الناتج عن محطات التحلية وتصريفه في خليج العقبة؟",
     "Who has experience managing the concentrated brine from desalination plants and its "
     "discharge into the Gulf of Aqaba?"),
    ("n62", "ar", "desalination", "desal_energy_renewables",
     "نبحث عن خبير في خفض استهلاك الطاقة النوعي لمحطات التحلية وتشغيلها بالطاقة الشمسية",
     "Looking for an expert in reducing the specific energy consumption of desalination plants and "
     "running them on solar power"),
    ("n63", "ar", "desalination", "membrane_fouling",
     "انسداد الأغشية وتكوّن الأغشية الحيوية في محطة تحلية بالتناضح العكسي: من يعرف المعالجة "
     "المسبقة والتنظيف الكيميائي؟",
     "Membrane clogging and biofilm build-up at a reverse osmosis desalination plant: who knows "
     "pretreatment and chemical cleaning?"),
    ("n64", "ar", "iwrm", "water_accounting",
     "المحاسبة المائية ببيانات الاستشعار عن بعد مثل WaPOR لتقدير الميزان المائي في حوض سوس ماسة",
     "Water accounting with remote-sensing data such as WaPOR to estimate the water balance of the "
     "Souss-Massa basin"),
    ("n65", "ar", "groundwater", "aquifer_overabstraction",
     "الضخ الجائر وهبوط منسوب المياه الجوفية في حوض الأزرق: من يعمل على حوكمة المياه الجوفية "
     "والآبار المخالفة؟",
     "Over-pumping and falling groundwater levels in the Azraq basin: who works on groundwater "
     "governance and illegal wells?"),
    ("n66", "ar", "groundwater", "managed_aquifer_recharge",
     "التغذية الاصطناعية للخزانات الجوفية بمياه السيول عبر سدود التغذية في الأودية",
     "Artificial recharge of aquifers with flash-flood water through recharge dams in wadis"),
    ("n67", "ar", "wash_sanitation", "hygiene_behaviour_change",
     "برامج تغيير السلوك الصحي وتعزيز غسل اليدين بالصابون في مخيمات اللاجئين، من لديه تجربة؟",
     "Health behaviour change programmes and promoting handwashing with soap in refugee camps, who "
     "has experience?"),
    ("n68", "ar", "non_revenue_water", "intermittent_supply",
     "التزويد المائي المتقطع وتوزيع المياه بالدور مرة في الأسبوع في عمّان: كيف ننتقل إلى تزويد "
     "مستمر؟",
     "Intermittent water supply with rotational distribution once a week in Amman: how do we move "
     "to continuous supply?"),
    ("n69", "ar", "wastewater_reuse", "agricultural_reuse",
     "إعادة استخدام المياه العادمة المعالجة من محطة الخربة السمراء في ري المزروعات بوادي الأردن",
     "Reusing treated wastewater from the As-Samra plant to irrigate crops in the Jordan Valley"),
    ("n70", "ar", "flood_risk", "flood_early_warning",
     "نظام إنذار مبكر للفيضانات الخاطفة والسيول في وادي موسى والبتراء مع نمذجة التنبؤ الهيدرولوجي",
     "Early warning system for flash floods in Wadi Musa and Petra with hydrological forecast "
     "modelling"),
    ("n71", "ar", "drought_risk", "drought_monitoring",
     "رصد الجفاف بمؤشرات SPI وSPEI ومؤشر الغطاء النباتي لإصدار إنذار مبكر في المغرب",
     "Drought monitoring with SPI and SPEI and a vegetation index to issue early warnings in "
     "Morocco"),
    ("n72", "ar", "climate_adaptation", "utility_net_zero",
     "تحسين كفاءة الطاقة في محطات الضخ لدى شركة المياه وخفض انبعاثاتها للوصول إلى الحياد الكربوني",
     "Improving energy efficiency at the water company's pumping stations and cutting its "
     "emissions to reach carbon neutrality"),
    ("n73", "ar", "transboundary_basins", "hydro_diplomacy",
     "الدبلوماسية المائية ومنع النزاعات على الأنهار المشتركة مثل اليرموك ونهر الأردن: من لديه "
     "خبرة في التفاوض؟",
     "Water diplomacy and preventing conflicts over shared rivers such as the Yarmouk and the "
     "Jordan: who has negotiation experience?"),
    ("n74", "ar", "water_governance", "gender_inclusion",
     "تمكين المرأة في قطاع المياه، مثل تدريب النساء على أعمال السباكة، وإدماج النوع الاجتماعي في "
     "المشاريع",
     "Empowering women in the water sector, such as training women as plumbers, and mainstreaming "
     "gender in projects"),
    ("n75", "ar", "water_finance", "tariff_design",
     "إعادة هيكلة التعرفة المائية التصاعدية لتغطية كلفة التشغيل والصيانة، من يستطيع المساعدة في "
     "الدراسة؟",
     "Restructuring the increasing-block water tariff to cover operation and maintenance costs, who "
     "can help with the study?"),
    ("n76", "ar", "hydroinformatics_scada", "ot_cybersecurity",
     "حماية أنظمة التحكم الصناعي وSCADA في شركات المياه من الهجمات السيبرانية",
     "Protecting industrial control systems and SCADA at water companies from cyber attacks"),
    ("n77", "ar", "water_quality", "household_water_treatment",
     "تلوث خزانات المياه على أسطح المنازل: طرق التنظيف والتعقيم والتخزين الآمن لمياه الشرب في البيت",
     "Contamination of rooftop water tanks: methods for cleaning, disinfection and safe storage of "
     "drinking water at home"),
    ("n78", "ar", "irrigation", "irrigation_scheduling",
     "جدولة الري بالاعتماد على مجسات رطوبة التربة وحساب التبخر والنتح في سهل سايس",
     "Irrigation scheduling based on soil moisture sensors and evapotranspiration calculations in "
     "the Saïss plain"),
    ("n79", "ar", "wastewater_reuse", "potable_reuse",
     "هل من خبير في إعادة استخدام المياه العادمة المعالجة للشرب بشكل مباشر أو غير مباشر ومتطلبات "
     "المعالجة المتقدمة؟",
     "Is there an expert in direct or indirect reuse of treated wastewater for drinking and the "
     "advanced treatment it requires?"),
    ("n80", "ar", "drought_risk", "rainwater_harvesting",
     "الحصاد المائي وإنشاء الحفائر والآبار الرومانية لتخزين مياه الأمطار في البادية",
     "Water harvesting and building earth reservoirs and Roman cisterns to store rainwater in the "
     "Badia"),
]


def main():
    with open(GROUND_TRUTH, encoding="utf-8") as f:
        gt = json.load(f)
    taxonomy, members = gt["taxonomy"], gt["members"]
    assert len(NATIVE) == 80, len(NATIVE)
    seen = set()
    out = []
    for n, (qid, lang, topic, sub, native, en) in enumerate(NATIVE):
        assert qid == "n%02d" % (n + 1), qid
        assert qid not in seen, qid
        seen.add(qid)
        assert lang == LANGUAGES[n // 20], (qid, lang)
        assert topic in taxonomy, (qid, topic)
        assert sub in taxonomy[topic]["subtopics"], (qid, sub)
        assert 5 <= len(native.split()) <= 25, (qid, "native", len(native.split()))
        assert 5 <= len(en.split()) <= 25, (qid, "en", len(en.split()))
        rel = relevance(members, topic, sub)
        assert any(g >= 2 for g in rel.values()), (qid, "no expert with grade >= 2")
        if sum(1 for g in rel.values() if g == 3) < 2:
            print("warning: %s has fewer than two grade-3 experts" % qid, file=sys.stderr)
        out.append(OrderedDict([("id", qid), ("language", lang), ("need", native), ("en", en),
                                ("topic", topic), ("subtopic", sub), ("relevance", rel)]))
    # within each language: distinct subtopics, at least 12 of the 15 topics
    for lang in LANGUAGES:
        rows = [r for r in out if r["language"] == lang]
        subs = [r["subtopic"] for r in rows]
        assert len(set(subs)) == len(subs), (lang, "repeated subtopic")
        assert len({r["topic"] for r in rows}) >= 12, (lang, "fewer than 12 topics")
    with open(os.path.join(HERE, "native_needs.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for r in out:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    if "-q" not in sys.argv:
        print("%-4s %-4s %-24s %-32s %3s %3s %3s" % ("id", "lang", "topic", "subtopic", "g3", "g2", "g1"))
        tot = Counter()
        for r in out:
            c = [sum(1 for g in r["relevance"].values() if g == k) for k in (3, 2, 1)]
            tot.update({3: c[0], 2: c[1], 1: c[2]})
            print("%-4s %-4s %-24s %-32s %3d %3d %3d" % (r["id"], r["language"], r["topic"],
                                                         r["subtopic"], *c))
        print("%d needs (%s); %d subtopics, %d topics; graded pairs: %d g3, %d g2, %d g1" % (
            len(out), ", ".join("%s %d" % (l, sum(r["language"] == l for r in out)) for l in LANGUAGES),
            len({r["subtopic"] for r in out}), len({r["topic"] for r in out}), tot[3], tot[2], tot[1]))
        for lang in LANGUAGES:
            print("  %s: %d topics, %d subtopics" % (
                lang, len({r["topic"] for r in out if r["language"] == lang}),
                len({r["subtopic"] for r in out if r["language"] == lang})))


if __name__ == "__main__":
    main()
