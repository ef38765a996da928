#!/usr/bin/env python3
"""Generate Wellspring's embedded default community (a water-sector Community of Practice).

Deterministic: everything is drawn from one random.Random(42) in a fixed order, so

    python3 data/generate.py

always rewrites the same files:

    data/organisations.jsonl   data/members.jsonl   data/contributions.jsonl
    data/ground_truth.json     data/taxonomy.json     (+ the statistics block of data/README.md)

Texts are composed from the hand-written banks in data/banks/ (English topic banks, French,
Spanish, Portuguese and Arabic banks, type framings, world data). Standard library only.
"""
import datetime
import json
import os
import re
import sys
import unicodedata
from collections import Counter, OrderedDict
import random

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from banks import en_topics_1, en_topics_2, en_topics_3, en_frames, world  # noqa: E402
from banks import i18n_fr, i18n_es, i18n_pt, i18n_ar  # noqa: E402

SEED = 42
N_MEMBERS = 340
LEVELS = ["core", "active", "occasional", "peripheral", "transactional"]
LEVEL_COUNTS = {"core": 17, "active": 51, "occasional": 85, "peripheral": 119, "transactional": 68}
N_HIDDEN = 5
SHARE_CLOSED = 0.15          # open_to_invitations = false
# Probability that a contribution is co-authored (2-4 authors), by type: about 15% overall.
COAUTHOR_PROB = {"forum_post": 0.03, "newsletter_article": 0.08, "publication": 0.29, "project_report": 0.21,
                 "case_study": 0.16, "webinar": 0.18, "dataset": 0.17}
SHARE_PRIVATE = 0.08
START = datetime.date(2015, 1, 1)
END = datetime.date(2026, 1, 31)

TYPES = ["publication", "forum_post", "project_report", "webinar", "dataset", "newsletter_article", "case_study"]
TYPE_WEIGHTS = {"publication": 0.16, "forum_post": 0.30, "project_report": 0.12, "webinar": 0.07,
                "dataset": 0.06, "newsletter_article": 0.14, "case_study": 0.15}
KIND_TYPE_BOOST = {
    "university": {"publication": 2.5, "dataset": 1.5},
    "utility": {"case_study": 1.3, "project_report": 1.3},
    "ngo": {"project_report": 1.5, "case_study": 1.3},
    "private_company": {"webinar": 2.0, "newsletter_article": 1.5},
    "international": {"project_report": 1.3, "webinar": 1.5},
    "ministry": {"project_report": 1.3, "newsletter_article": 1.2},
    "consultancy": {"case_study": 1.2, "publication": 1.2},
}
PRIVATE_PROB = {"forum_post": 0.20, "project_report": 0.23, "case_study": 0.09, "dataset": 0.06,
                "publication": 0.015, "webinar": 0.03, "newsletter_article": 0.015}

TOPIC_WEIGHT = {"iwrm": 1.0, "groundwater": 1.1, "wash_sanitation": 1.4, "non_revenue_water": 1.3,
                "wastewater_reuse": 0.9, "desalination": 0.7, "flood_risk": 1.0, "drought_risk": 0.8,
                "climate_adaptation": 1.1, "transboundary_basins": 0.6, "water_governance": 1.0,
                "water_finance": 0.8, "hydroinformatics_scada": 0.9, "water_quality": 1.1, "irrigation": 1.0}
MENA = {"JO", "SA", "AE", "OM", "LB", "EG", "MA", "TN"}
WEST_AFRICA = {"SN", "CI", "BF", "ML", "NG", "GH"}
ANDES = {"PE", "BO", "CO", "CL"}
REGION_TOPIC_BOOST = [
    (MENA, {"desalination": 4.0, "wastewater_reuse": 2.0, "groundwater": 1.5, "irrigation": 1.5}),
    (WEST_AFRICA | {"KE", "UG", "TZ", "ET", "ZM", "MZ", "IN", "BD", "PK", "NP"}, {"wash_sanitation": 2.0}),
    (ANDES, {"climate_adaptation": 2.0, "flood_risk": 1.5}),
    ({"NL", "GB", "DE", "US", "AU", "SE", "JP"}, {"hydroinformatics_scada": 1.6}),
]
RELATED = {
    "iwrm": ["transboundary_basins", "water_governance", "groundwater", "climate_adaptation"],
    "groundwater": ["iwrm", "drought_risk", "water_quality", "irrigation"],
    "wash_sanitation": ["water_quality", "water_governance", "water_finance", "climate_adaptation"],
    "non_revenue_water": ["hydroinformatics_scada", "water_finance", "water_governance"],
    "wastewater_reuse": ["irrigation", "water_quality", "desalination"],
    "desalination": ["wastewater_reuse", "climate_adaptation", "water_finance"],
    "flood_risk": ["climate_adaptation", "hydroinformatics_scada", "iwrm"],
    "drought_risk": ["climate_adaptation", "groundwater", "irrigation", "iwrm"],
    "climate_adaptation": ["drought_risk", "flood_risk", "water_finance", "iwrm"],
    "transboundary_basins": ["iwrm", "water_governance", "groundwater"],
    "water_governance": ["water_finance", "iwrm", "wash_sanitation"],
    "water_finance": ["water_governance", "non_revenue_water", "wash_sanitation"],
    "hydroinformatics_scada": ["non_revenue_water", "flood_risk", "water_quality"],
    "water_quality": ["wash_sanitation", "groundwater", "wastewater_reuse"],
    "irrigation": ["groundwater", "drought_risk", "wastewater_reuse", "water_governance"],
}
# Members who write only in one language: (language, countries, levels).
MONOLINGUAL_PLAN = [
    ("fr", ["SN", "SN", "CI", "BF", "ML", "MA", "FR", "FR", "SN", "CI"],
     ["occasional", "occasional", "occasional", "occasional", "occasional", "peripheral", "peripheral",
      "peripheral", "transactional", "transactional"]),
    ("es", ["PE", "PE", "MX", "MX", "CO", "ES", "ES", "CL", "BO", "CO"],
     ["occasional", "occasional", "occasional", "occasional", "occasional", "peripheral", "peripheral",
      "peripheral", "transactional", "transactional"]),
    ("pt", ["BR", "BR", "BR", "BR", "MZ", "MZ", "PT", "PT", "BR", "MZ"],
     ["occasional", "occasional", "occasional", "occasional", "occasional", "peripheral", "peripheral",
      "peripheral", "transactional", "transactional"]),
    ("ar", ["JO", "JO", "EG", "EG", "SA", "SA", "AE", "OM", "LB"],
     ["occasional", "occasional", "occasional", "peripheral", "peripheral", "peripheral", "peripheral",
      "transactional", "transactional"]),
]
BILINGUAL_WRITE_PROB = 0.07  # share of a bilingual member's contributions written in their other language

PRIVATE_SPACES = ["nrw-taskforce", "sahel-wash-project", "mena-desal-network", "andes-climate-lab",
                  "utility-leaders", "board", "research-network", "young-water-professionals"]

EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
EN_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
JOINERS = {"en": " and ", "fr": " et ", "es": " y ", "pt": " e ", "ar": " و"}
PAIR_JOINERS = {"en": " as well as ", "fr": " ainsi que ", "es": " así como ", "pt": " bem como ", "ar": " وكذلك "}
LOCAL_NAME_COUNTRIES = {"FR", "SN", "CI", "BF", "ML", "MA", "TN", "ES", "PE", "MX", "CO", "CL", "BO", "BR", "MZ", "PT"}
THE_WORDS = ("Ministry", "Institute", "Centre", "Center", "Department", "Partnership", "Alliance", "Network",
             "Fund", "Hub", "Authority", "Board", "Trust", "Initiative", "Foundation")
LIST_SEP = {"en": ", ", "fr": ", ", "es": ", ", "pt": ", ", "ar": "، "}


# --------------------------------------------------------------------------- language packs
class Lang:
    def __init__(self, code, topics, frames, months, date_long):
        self.code = code
        self.topics = topics
        self.frames = frames
        self.months = months
        self.date_long_fmt = date_long
        self.subtopics = {}          # subtopic slug -> (topic slug, bank)
        for t, tb in topics.items():
            for s, sb in tb["subtopics"].items():
                self.subtopics[s] = (t, sb)


EN_TOPICS = OrderedDict()
for mod in (en_topics_1, en_topics_2, en_topics_3):
    EN_TOPICS.update(mod.TOPICS)

LANGS = {
    "en": Lang("en", EN_TOPICS, en_frames.FRAMES, EN_MONTHS, "{d} {month} {y}"),
    "fr": Lang("fr", i18n_fr.TOPICS, i18n_fr.FRAMES, i18n_fr.MONTHS, i18n_fr.DATE_LONG),
    "es": Lang("es", i18n_es.TOPICS, i18n_es.FRAMES, i18n_es.MONTHS, i18n_es.DATE_LONG),
    "pt": Lang("pt", i18n_pt.TOPICS, i18n_pt.FRAMES, i18n_pt.MONTHS, i18n_pt.DATE_LONG),
    "ar": Lang("ar", i18n_ar.TOPICS, i18n_ar.FRAMES, i18n_ar.MONTHS, i18n_ar.DATE_LONG),
}
TOPIC_SLUGS = list(EN_TOPICS.keys())


def check_banks():
    """Every non-English subtopic must exist in the English taxonomy."""
    for code, lang in LANGS.items():
        for s, (t, _) in lang.subtopics.items():
            assert t in EN_TOPICS and s in EN_TOPICS[t]["subtopics"], (code, t, s)
    for t, tb in EN_TOPICS.items():
        assert 4 <= len(tb["subtopics"]) <= 6, t


# --------------------------------------------------------------------------- template engine
SLOT_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([0-9.]+)-([0-9.]+))?\}")
REF_RE = re.compile(r"<([a-z_0-9]+)>")


def round_nice(n):
    if n >= 10000:
        return int(round(n / 500.0)) * 500
    if n >= 1000:
        return int(round(n / 50.0)) * 50
    if n >= 150:
        return int(round(n / 10.0)) * 10
    return n


def fmt_int(lang, n):
    n = round_nice(n)
    if n < 10000:
        return str(n)
    s = "{:,}".format(n)
    return {"en": s, "fr": s.replace(",", "\u202f"), "es": s.replace(",", "."),
            "pt": s.replace(",", "."), "ar": str(n)}[lang]


def fmt_pct(lang, n):
    return {"fr": "%d\u00a0%%" % n}.get(lang, "%d%%" % n)


def fmt_dec(lang, x):
    s = "%.1f" % x
    return s.replace(".", ",") if lang in ("fr", "es", "pt") else s


def expand_refs(rng, s, frames, depth=0):
    if depth > 5:
        return s
    return REF_RE.sub(lambda m: expand_refs(rng, rng.choice(frames[m.group(1)]), frames, depth + 1), s)


def fill(rng, s, ctx, lang):
    """Fill {slots}; values may themselves contain slots (facts, titles...)."""
    for _ in range(5):
        if "{" not in s:
            break

        def rep(m):
            name, a, b = m.group(1), m.group(2), m.group(3)
            if a is not None:
                if name == "num":
                    return fmt_int(lang, rng.randint(int(a), int(b)))
                if name == "pct":
                    return fmt_pct(lang, rng.randint(int(a), int(b)))
                if name == "dec":
                    return fmt_dec(lang, rng.uniform(float(a), float(b)))
            if name == "year":
                return str(rng.randint(2008, max(2009, ctx.get("_year", 2020) - 2)))
            v = ctx.get(name)
            if v is None:
                raise KeyError("unknown slot {%s} in %r" % (name, s[:80]))
            return v() if callable(v) else v
        s = SLOT_RE.sub(rep, s)
    return s


VOWEL_ACRONYM = set("AEFHILMNORSX")
WORD_ACRONYMS = {"SCADA", "WASH", "WEAP", "WaPOR", "LoRaWAN", "UNECE", "SEAWAT", "RIBASIM", "GIS", "JMP", "USD"}


def fix_articles_en(s):
    def rep(m):
        art, word = m.group(1), m.group(2)
        w = word.lower()
        an = False
        if word[0].isdigit():
            digits = re.match(r"\d+", word).group(0)
            an = digits.startswith("8") or digits in ("11", "18")
        elif len(word) > 1 and word.isupper() and word not in WORD_ACRONYMS:
            an = word[0] in VOWEL_ACRONYM
        elif w.startswith(("uni", "use", "usu", "uti", "eu", "one", "ure", "uro")):
            an = False
        else:
            an = w[0] in "aeiou"
        new = ("an" if an else "a")
        if art[0] == "A":
            new = new.capitalize()
        return new + " " + word
    return re.sub(r"\b([Aa]n?) ([A-Za-z0-9][\w\-']*)", rep, s)


PT_CONTRACTIONS = [(r"\bem o\b", "no"), (r"\bem a\b", "na"), (r"\bem os\b", "nos"), (r"\bem as\b", "nas"),
                   (r"\bde o\b", "do"), (r"\bde a\b", "da"), (r"\bde os\b", "dos"), (r"\bde as\b", "das"),
                   (r"\ba o\b", "ao"), (r"\ba a\b", "à"), (r"\ba os\b", "aos"), (r"\ba as\b", "às"),
                   (r"\bpor o\b", "pelo"), (r"\bpor a\b", "pela"), (r"\bpor os\b", "pelos"), (r"\bpor as\b", "pelas")]


def polish(lang, s):
    s = re.sub(r"\s+", " ", s).strip()
    if lang == "en":
        s = re.sub(r"\b([Tt])he the\b", r"\1he", s)        # "the {place}" with place "the Terai"
        s = fix_articles_en(s)
    elif lang == "fr":
        s = re.sub(r"\bà le\b", "au", s)
        s = re.sub(r"\bà les\b", "aux", s)
        s = re.sub(r"\bde le\b", "du", s)
        s = re.sub(r"\bde les\b", "des", s)
        s = re.sub(r"\b([dD])e ([AEIOUÉÈÂaeiouéèâ])", r"\1'\2", s)
    elif lang == "es":
        s = re.sub(r"\bde el\b", "del", s)
        s = re.sub(r"\ba el\b", "al", s)
    elif lang == "pt":
        for pat, rep in PT_CONTRACTIONS:
            s = re.sub(pat, rep, s)
    if s and s[0].islower():
        s = s[0].upper() + s[1:]
    return s


def lc_first(s):
    if len(s) > 1 and s[0].isupper() and s[1].islower():
        return s[0].lower() + s[1:]
    return s


def ascii_slug(s):
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", s.lower())


# --------------------------------------------------------------------------- world
def weighted_choice(rng, items, weights):
    total = sum(weights)
    r = rng.random() * total
    acc = 0.0
    for it, w in zip(items, weights):
        acc += w
        if r < acc:
            return it
    return items[-1]


def build_organisations():
    orgs = []
    for row in world.ORGANISATIONS:
        oid, name, kind, country = row[:4]
        orgs.append({"id": oid, "name": name, "kind": kind, "country": country,
                     "_name_ar": row[4] if len(row) > 4 else None})
    return orgs


def org_name(org, lang, bare=False):
    if lang == "ar":
        return org["_name_ar"] or org["name"]
    name = org["name"]
    if lang == "en" and not bare and org["country"] not in LOCAL_NAME_COUNTRIES \
            and any(w in name.split(",")[0].split() for w in THE_WORDS):
        return "the " + name
    return name


def place_in(lang, place):
    return world.PLACES_I18N.get(lang, {}).get(place, place)


def country_name(lang, code):
    return world.COUNTRY_NAMES_I18N.get(lang, {}).get(code, world.COUNTRIES[code]["name"])


FR_IN = {"FR": "en France", "CI": "en Côte d'Ivoire", "TN": "en Tunisie", "CH": "en Suisse"}
PT_IN = {"BR": "no Brasil", "MZ": "em Moçambique", "PT": "em Portugal"}


def in_country(lang, code):
    name = country_name(lang, code)
    if lang == "en":
        return "in " + name
    if lang == "fr":
        return FR_IN.get(code, "au " + name)
    if lang == "es":
        return "en " + name
    if lang == "pt":
        return PT_IN.get(code, "em " + name)
    return "في " + name


# --------------------------------------------------------------------------- members
class Member:
    pass


def pick_topic(rng, country, org=None):
    cands = TOPIC_SLUGS
    if org is not None:
        hints = world.ORG_TOPIC_HINTS.get(org["id"])
        if hints and rng.random() < 0.7:
            cands = hints
        elif not hints and org["kind"] in world.KIND_TOPIC_HINTS and rng.random() < 0.5:
            cands = world.KIND_TOPIC_HINTS[org["kind"]]
    weights = []
    for t in cands:
        w = TOPIC_WEIGHT[t]
        for countries, boost in REGION_TOPIC_BOOST:
            if country in countries:
                w *= boost.get(t, 1.0)
        weights.append(w)
    return weighted_choice(rng, cands, weights)


def make_name(rng, country, used, arabic=False):
    for _ in range(200):
        if arabic:
            f, l = rng.choice(i18n_ar.NAMES_AR[0]), rng.choice(i18n_ar.NAMES_AR[1])
            full, latin = f[0] + " " + l[0], (f[1], l[1])
            first = f[0]
        else:
            firsts, lasts = world.NAME_POOLS[world.COUNTRIES[country]["names"]]
            first, last = rng.choice(firsts), rng.choice(lasts)
            full, latin = first + " " + last, (first, last)
        if full not in used:
            used.add(full)
            return full, first, latin
    raise RuntimeError("name pool exhausted for " + country)


def build_members(rng, orgs):
    orgs_by_country = {}
    for o in orgs:
        orgs_by_country.setdefault(o["country"], []).append(o)
    mobile_orgs = [o for o in orgs if o["kind"] in ("international", "consultancy", "private_company")]

    level_pool = []
    for lv in LEVELS:
        level_pool += [lv] * LEVEL_COUNTS[lv]

    skeleton = []   # (country, org, level or None, mono_lang or None, subtopic or None)
    for lang, countries, levels in MONOLINGUAL_PLAN:
        subs = sorted(LANGS[lang].subtopics.keys())
        for c, lv in zip(countries, levels):
            sub = rng.choice(subs)
            topic = LANGS[lang].subtopics[sub][0]
            fitting = [o for o in orgs_by_country[c]
                       if topic in world.ORG_TOPIC_HINTS.get(o["id"], [topic])]
            skeleton.append((c, rng.choice(fitting or orgs_by_country[c]), lv, lang, sub))
            level_pool.remove(lv)
    covered = {s[1]["id"] for s in skeleton}
    for o in orgs:                                 # every organisation gets at least one member
        if o["id"] not in covered:
            skeleton.append((o["country"], o, None, None, None))
    codes = list(world.COUNTRIES.keys())
    weights = [world.COUNTRIES[c]["weight"] for c in codes]
    while len(skeleton) < N_MEMBERS:
        c = weighted_choice(rng, codes, weights)
        if rng.random() < 0.87:
            org = rng.choice(orgs_by_country[c])
        else:
            org = rng.choice([o for o in mobile_orgs if o["country"] != c])
        skeleton.append((c, org, None, None, None))
    rng.shuffle(skeleton)
    rng.shuffle(level_pool)

    used_names = set()
    members = []
    for i, (country, org, level, mono, mono_sub) in enumerate(skeleton):
        m = Member()
        m.id = "m-%04d" % (i + 1)
        m.country, m.org, m.mono = country, org, mono
        m.level = level if level else level_pool.pop()
        m.name, m.first, m.latin = make_name(rng, country, used_names, arabic=(mono == "ar"))
        # languages
        clangs = world.COUNTRIES[country]["langs"]
        if mono:
            m.languages = [mono]
        else:
            langs = list(clangs)
            if "en" not in langs:
                langs.append("en")
            if rng.random() < 0.2:
                extra = rng.choice(["fr", "es", "de", "pt", "ar"])
                if extra not in langs:
                    langs.append(extra)
            m.languages = langs
        m.alt_lang = None           # second writing language for bilingual members
        if not mono:
            for l in m.languages:
                if l in ("fr", "es", "pt"):
                    m.alt_lang = l
                    break
        # expertise
        if mono:
            bank = LANGS[mono]
            m.sub = mono_sub
            m.topic = bank.subtopics[m.sub][0]
            other_topics = sorted({t for t, _ in bank.subtopics.values()} - {m.topic})
            k = weighted_choice(rng, [0, 1, 2], [0.3, 0.45, 0.25])
            m.secondary = rng.sample(other_topics, k)
            m.secondary_sub = {}
            for t in m.secondary:
                m.secondary_sub[t] = rng.choice(sorted(s for s, (tt, _) in bank.subtopics.items() if tt == t))
        else:
            m.topic = pick_topic(rng, country, org)
            m.sub = rng.choice(list(EN_TOPICS[m.topic]["subtopics"].keys()))
            k = weighted_choice(rng, [0, 1, 2], [0.3, 0.45, 0.25])
            m.secondary = []
            while len(m.secondary) < k:
                if rng.random() < 0.6:
                    t = rng.choice(RELATED[m.topic])
                else:
                    t = rng.choice(TOPIC_SLUGS)
                if t != m.topic and t not in m.secondary:
                    m.secondary.append(t)
            m.secondary_sub = {t: rng.choice(list(EN_TOPICS[t]["subtopics"].keys())) for t in m.secondary}
        m.role_src = ("kind", rng.randrange(10)) if (org["kind"] == "university" or rng.random() < 0.45) \
            else ("topic", rng.randrange(10))
        lo, hi = {"core": (12, 30), "active": (8, 25)}.get(m.level, (3, 20))
        m.years = rng.randint(lo, hi)
        jlo, jhi = {"core": (2015, 2017), "active": (2015, 2020), "occasional": (2015, 2022),
                    "peripheral": (2016, 2024), "transactional": (2018, 2025)}[m.level]
        m.join = datetime.date(rng.randint(jlo, jhi), rng.randint(1, 12), rng.randint(1, 28))
        m.home_place = rng.choice(world.COUNTRIES[country]["places"])
        members.append(m)

    # flags
    non_core = [m for m in members if m.level != "core"]
    for m in members:
        m.hidden = False
        m.open = True
    for m in rng.sample(non_core, N_HIDDEN):
        m.hidden = True
    for m in rng.sample(members, round(SHARE_CLOSED * len(members))):
        m.open = False
    for m in members:
        p = 0.95 if m.level in ("core", "active") else 0.75
        if rng.random() < p:
            domain = m.org["id"][4:] + ".example.org"
            m.contact = "%s.%s@%s" % (ascii_slug(m.latin[0]), ascii_slug(m.latin[1]), domain)
        else:
            m.contact = None
    return members


def role_of(m, lang):
    L = LANGS[lang]
    src, idx = m.role_src
    if src == "topic" and m.topic in L.topics and L.topics[m.topic].get("roles"):
        roles = L.topics[m.topic]["roles"]
    else:
        roles = L.frames["role_kind"][m.org["kind"]]
    return roles[idx % len(roles)]


def sub_bank(lang, sub):
    return LANGS[lang].subtopics[sub][1]


def topic_bank(lang, topic):
    return LANGS[lang].topics[topic]


def capitalize(s):
    return s[:1].upper() + s[1:] if s else s


def make_bio(rng, m):
    lang = m.mono or "en"
    if not m.mono and m.alt_lang and m.sub in LANGS[m.alt_lang].subtopics and rng.random() < 0.2:
        lang = m.alt_lang
    m.bio_lang = lang
    L = LANGS[lang]
    sb = sub_bank(lang, m.sub)
    sec_labels = []
    for t in m.secondary:
        if m.secondary_sub[t] in L.subtopics:
            sec_labels.append(sub_bank(lang, m.secondary_sub[t])["label"])
        elif t in L.topics:
            sec_labels.append(L.topics[t]["label"])
    role = role_of(m, lang)
    ctx = {"name": m.name, "first": m.first, "role": role, "Role": capitalize(role),
           "org": org_name(m.org, lang), "org_bare": org_name(m.org, lang, bare=True),
           "place": place_in(lang, m.home_place),
           "country": country_name(lang, m.country), "focus": sb["focus"], "label": sb["label"],
           "did": lambda: rng.choice(sb["did"]), "years": str(m.years),
           "sec_label": PAIR_JOINERS[lang].join(sec_labels) if sec_labels else "", "in_country": in_country(lang, m.country)}
    if m.level == "transactional" and rng.random() < 0.5:
        parts = [rng.choice(L.frames["bio_short"])]
    else:
        parts = list(rng.choice(L.frames["bio_struct"]))
        if not sec_labels:
            parts = [p.replace("<bio_sec3>", "<bio_nosec>").replace("<bio_sec>", "<bio_nosec>") for p in parts]
    text = " ".join(expand_refs(rng, p, L.frames) for p in parts)
    return polish(lang, fill(rng, text, ctx, lang))


# --------------------------------------------------------------------------- contributions
def contribution_count(rng, level):
    if level == "core":
        return rng.randint(40, 75)
    if level == "active":
        return rng.randint(16, 32)
    if level == "occasional":
        return rng.randint(5, 13)
    if level == "peripheral":
        return weighted_choice(rng, [0, 1, 2, 3, 4, 5], [15, 30, 25, 15, 10, 5])
    return weighted_choice(rng, [0, 1, 2], [75, 20, 5])


def pick_subject(rng, m):
    """(topic, subtopic) of one contribution: ~75% primary topic (mostly the primary subtopic)."""
    if m.secondary and rng.random() < 0.25:
        t = rng.choice(m.secondary)
        return t, m.secondary_sub[t]
    if rng.random() < 0.85:
        return m.topic, m.sub
    if m.mono:
        sibs = [s for s, (t, _) in LANGS[m.mono].subtopics.items() if t == m.topic]
    else:
        sibs = list(EN_TOPICS[m.topic]["subtopics"].keys())
    return m.topic, rng.choice(sorted(sibs))


def pick_type(rng, m):
    boost = KIND_TYPE_BOOST.get(m.org["kind"], {})
    return weighted_choice(rng, TYPES, [TYPE_WEIGHTS[t] * boost.get(t, 1.0) for t in TYPES])


def pick_date(rng, m):
    lo = max(m.join, START)
    span = (END - lo).days
    return lo + datetime.timedelta(days=int(span * (rng.random() ** 0.7)))


def space_candidates(m, topic, ctype):
    """Private spaces a contribution could plausibly live in, with weights."""
    cands, w = [], []
    if topic == "non_revenue_water":
        cands.append("nrw-taskforce"); w.append(5)
    if topic in ("wash_sanitation", "water_quality") and m.country in WEST_AFRICA:
        cands.append("sahel-wash-project"); w.append(5)
    if topic in ("desalination", "wastewater_reuse", "groundwater") and m.country in MENA:
        cands.append("mena-desal-network"); w.append(5)
    if topic in ("climate_adaptation", "drought_risk", "flood_risk", "groundwater", "irrigation") and m.country in ANDES:
        cands.append("andes-climate-lab"); w.append(5)
    if m.org["kind"] == "utility":
        cands.append("utility-leaders"); w.append(2)
    if m.level == "core" and (ctype == "project_report" or topic in ("water_governance", "water_finance", "iwrm")):
        cands.append("board"); w.append(2)
    if m.org["kind"] == "university":
        cands.append("research-network"); w.append(2)
    if m.years <= 8:
        cands.append("young-water-professionals"); w.append(1)
    return cands, w


def assign_spaces(rng, raw, by_id):
    """Make SHARE_PRIVATE of the contributions private, favouring forum posts and reports (weighted
    sampling without replacement), each in one of the spaces its lead author plausibly belongs to."""
    keyed = []
    for i, c in enumerate(raw):
        cands, w = space_candidates(by_id[c["authors"][0]], c["_topic"], c["type"])
        u = rng.random()
        if cands:
            keyed.append((u ** (1.0 / PRIVATE_PROB[c["type"]]), i, cands, w))
    keyed.sort(reverse=True)
    for _, i, cands, w in keyed[:round(SHARE_PRIVATE * len(raw))]:
        raw[i]["space"] = weighted_choice(rng, cands, w)


def pick_coauthors(rng, m, topic, lang, members):
    pool = []
    for o in members:
        if o is m or o.level == "transactional":
            continue
        if lang == "ar" and o.mono != "ar":
            continue
        if lang != "en" and lang not in o.languages:
            continue
        if lang == "en" and o.mono:
            continue
        if topic != o.topic and topic not in o.secondary:
            continue
        if lang != "en" and o.mono is None and (o.alt_lang != lang):
            continue
        w = 1.0
        if o.org is m.org:
            w = 6.0
        elif o.country == m.country:
            w = 3.0
        pool.append((o, w))
    if not pool:
        return []
    k = weighted_choice(rng, [1, 2, 3], [0.6, 0.3, 0.1])
    chosen = []
    for _ in range(k):
        rest = [(o, w) for o, w in pool if o not in chosen]
        if not rest:
            break
        chosen.append(weighted_choice(rng, [o for o, _ in rest], [w for _, w in rest]))
    return chosen


def contribution_lang(rng, m, sub):
    if m.mono:
        return m.mono
    if m.alt_lang and sub in LANGS[m.alt_lang].subtopics and rng.random() < BILINGUAL_WRITE_PROB:
        return m.alt_lang
    return "en"


def format_date_long(lang, d):
    L = LANGS[lang]
    s = L.date_long_fmt.format(d=d.day, month=L.months[d.month - 1], y=d.year)
    if lang == "en":
        s = EN_WEEKDAYS[d.weekday()] + ", " + s
    return s


def format_month_year(lang, d):
    L = LANGS[lang]
    return {"es": "%s de %d", "pt": "%s de %d"}.get(lang, "%s %d") % (L.months[d.month - 1], d.year)


def speakers_text(lang, authors):
    names = []
    for a in authors:
        if lang == "ar" and a.mono != "ar":
            continue
        names.append("%s (%s)" % (a.name, org_name(a.org, lang, bare=True)))
    if len(names) == 1:
        return names[0]
    return LIST_SEP[lang].join(names[:-1]) + JOINERS[lang] + names[-1]


def compose(rng, m, authors, topic, sub, lang, ctype, date, forum_kind):
    L = LANGS[lang]
    tb, sb = topic_bank(lang, topic), sub_bank(lang, sub)
    place = place_in(lang, rng.choice(world.COUNTRIES[m.country]["places"]))
    facts = rng.sample(sb["facts"], min(4, len(sb["facts"])))
    while len(facts) < 4:
        facts.append(rng.choice(sb["facts"]))
    titles = rng.sample(sb["titles"], len(sb["titles"]))
    if len(titles) < 3:
        sibs = [s for s, (t, _) in L.subtopics.items() if t == topic and s != sub]
        for s in sibs:
            titles += L.subtopics[s][1]["titles"]
    dtitle, desc, cols = rng.choice(sb["data"])
    y2 = date.year if rng.random() < 0.5 else date.year - 1
    y1 = y2 - rng.randint(2, 9)
    event = date + datetime.timedelta(days=rng.randint(10, 35))
    while event.weekday() not in (1, 2, 3):      # webinars run Tuesday to Thursday
        event += datetime.timedelta(days=1)
    hour = rng.randint(8, 15)
    kw = rng.choice(sb["kw"])
    kw_title = " ".join(w if w.isupper() else capitalize(w) for w in kw.split()) if lang == "en" else kw
    ctx = {
        "_year": date.year,
        "label": sb["label"], "Label": capitalize(sb["label"]), "topic_label": tb["label"],
        "place": place, "country": country_name(lang, m.country), "in_country": in_country(lang, m.country),
        "org": org_name(m.org, lang), "org_bare": org_name(m.org, lang, bare=True), "author": m.name,
        "a_role": fix_articles_en("a " + role_of(m, lang)) if lang == "en" else role_of(m, lang), "first": m.first, "role": role_of(m, lang),
        "speakers": speakers_text(lang, authors),
        "date_long": format_date_long(lang, event), "date_short": format_month_year(lang, event),
        "hour": str(hour), "hour2": str(hour + 1), "dur": str(rng.choice([45, 60, 60, 90])),
        "y1": str(y1), "y2": str(y2),
        "fact1": facts[0], "fact2": facts[1], "fact3": facts[2], "fact4": facts[3], "fact1_lc": lc_first(facts[0]),
        "ctx": rng.choice(tb["context"]), "q": rng.choice(sb["qs"]),
        "t1": titles[1 % len(titles)], "t2": titles[2 % len(titles)], "t3": titles[3 % len(titles)],
        "title": titles[0], "dtitle": dtitle, "desc": desc, "desc_lc": lc_first(desc), "cols": cols,
        "did": rng.choice(sb["did"]), "kw": kw, "kw_title": kw_title,
    }
    ctx["project"] = fill(rng, expand_refs(rng, rng.choice(L.frames["project"]), L.frames), ctx, lang)
    key = ctype if ctype != "forum_post" else "forum_" + forum_kind
    struct = rng.choice(L.frames[key + "_struct"])
    parts = [fill(rng, expand_refs(rng, p, L.frames), ctx, lang) for p in struct]
    used = " ".join(parts)
    spare = [f for f in facts if fill(rng, f, ctx, lang)[:40] not in used]
    while len(" ".join(parts).split()) < 50 and spare:   # pad short texts before the closing sentence
        parts.insert(len(parts) - 1, fill(rng, spare.pop(0), ctx, lang))
    text = polish(lang, " ".join(parts))
    # title (uses its own random pick among the subtopic titles)
    for _ in range(8):
        ctx_t = dict(ctx)
        ctx_t["title"] = titles[rng.randrange(len(titles))]
        ttpl = expand_refs(rng, rng.choice(L.frames["title_" + key]), L.frames)
        title = polish(lang, fill(rng, ttpl, ctx_t, lang))
        if title.count(ctx["country"]) <= 1 and title.count(place) <= 1 \
                and (key == "forum_answer" or title.count(":") <= 1):
            break
    return title, text


def build_contributions(rng, members):
    raw = []
    seen_titles = Counter()
    for m in members:
        n = contribution_count(rng, m.level)
        m.n_lead = n
        for _ in range(n):
            topic, sub = pick_subject(rng, m)
            lang = contribution_lang(rng, m, sub)
            ctype = pick_type(rng, m)
            forum_kind = "ask" if rng.random() < 0.55 else "answer"
            date = pick_date(rng, m)
            co = pick_coauthors(rng, m, topic, lang, members) if rng.random() < COAUTHOR_PROB[ctype] else []
            authors = [m] + co
            for attempt in range(6):
                title, text = compose(rng, m, authors, topic, sub, lang, ctype, date, forum_kind)
                if seen_titles[title] == 0 or (ctype == "forum_post" and seen_titles[title] < 2):
                    break
            seen_titles[title] += 1
            raw.append({"type": ctype, "title": title, "text": text, "date": date.isoformat(),
                        "language": lang, "authors": [a.id for a in authors], "space": "public",
                        "_topic": topic, "_sub": sub})
    raw.sort(key=lambda c: (c["date"], c["authors"][0], c["title"]))
    assign_spaces(rng, raw, {m.id: m for m in members})
    out = []
    for i, c in enumerate(raw):
        rec = OrderedDict([("id", "c-%05d" % (i + 1))])
        for k in ("type", "title", "text", "date", "language", "authors", "space"):
            rec[k] = c[k]
        rec["_topic"], rec["_sub"] = c["_topic"], c["_sub"]
        out.append(rec)
    return out


# --------------------------------------------------------------------------- output
def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def stats_markdown(orgs, members_out, contribs):
    lines = []
    lv = Counter(m["level"] for m in members_out)
    lines.append("| Members per level | count | share |")
    lines.append("|---|---:|---:|")
    for l in LEVELS:
        lines.append("| %s | %d | %.0f%% |" % (l, lv[l], 100.0 * lv[l] / len(members_out)))
    lines.append("| **total** | **%d** | |" % len(members_out))
    lines.append("")
    kinds = Counter(o["kind"] for o in orgs)
    lines.append("| Organisations per kind | count |")
    lines.append("|---|---:|")
    for k in ["utility", "ministry", "university", "ngo", "consultancy", "international", "private_company"]:
        lines.append("| %s | %d |" % (k, kinds[k]))
    lines.append("| **total** | **%d** |" % len(orgs))
    lines.append("")
    countries = Counter(m["country"] for m in members_out)
    regions = Counter()
    for c in countries:
        regions[world.COUNTRIES[c]["region"]] += 1
    lines.append("Members live in **%d countries** (%s)." % (
        len(countries), ", ".join("%s %d" % (r, regions[r]) for r in
                                  ["Africa", "Asia", "Middle East", "Europe", "Americas", "Oceania"])))
    lines.append("")
    closed = sum(1 for m in members_out if not m["open_to_invitations"])
    hidden = sum(1 for m in members_out if m["hidden"])
    mono = Counter(m["languages"][0] for m in members_out if len(m["languages"]) == 1 and m["languages"][0] != "en")
    lines.append("open_to_invitations = false: **%d** members (%.0f%%); hidden: **%d**; members writing only in "
                 "one non-English language: %s." % (closed, 100.0 * closed / len(members_out), hidden,
                                                    ", ".join("%s %d" % (k, mono[k]) for k in ["fr", "es", "pt", "ar"])))
    lines.append("")
    types = Counter(c["type"] for c in contribs)
    lines.append("| Contributions per type | count |")
    lines.append("|---|---:|")
    for t in TYPES:
        lines.append("| %s | %d |" % (t, types[t]))
    lines.append("| **total** | **%d** |" % len(contribs))
    lines.append("")
    langs = Counter(c["language"] for c in contribs)
    lines.append("| Contributions per language | count | share |")
    lines.append("|---|---:|---:|")
    for l in ["en", "fr", "es", "pt", "ar"]:
        lines.append("| %s | %d | %.1f%% |" % (l, langs[l], 100.0 * langs[l] / len(contribs)))
    lines.append("")
    spaces = Counter(c["space"] for c in contribs if c["space"] != "public")
    npriv = sum(spaces.values())
    co = sum(1 for c in contribs if len(c["authors"]) > 1)
    lines.append("Private contributions: **%d** (%.1f%%) in %d spaces (%s). Co-authored (2-4 authors): **%d** (%.1f%%)." % (
        npriv, 100.0 * npriv / len(contribs), len(spaces),
        ", ".join("`%s` %d" % (s, n) for s, n in sorted(spaces.items(), key=lambda x: -x[1])),
        co, 100.0 * co / len(contribs)))
    lines.append("")
    lead = Counter(c["authors"][0] for c in contribs)
    lvl = {m["id"]: m["level"] for m in members_out}
    lines.append("| Level | lead-authored contributions | per member (mean) | members with none |")
    lines.append("|---|---:|---:|---:|")
    for l in LEVELS:
        ids = [m["id"] for m in members_out if m["level"] == l]
        tot = sum(lead[i] for i in ids)
        none = sum(1 for i in ids if lead[i] == 0)
        lines.append("| %s | %d | %.1f | %d |" % (l, tot, tot / max(1, len(ids)), none))
    return "\n".join(lines)


def sanity_checks(orgs, members_out, contribs):
    """Fail loudly if a change to the banks or the generator breaks the documented guarantees."""
    assert len(members_out) >= 320 and len(orgs) >= 60 and len(contribs) >= 3000
    assert {o["kind"] for o in orgs} == {"utility", "ministry", "university", "ngo", "consultancy",
                                         "international", "private_company"}
    countries = {m["country"] for m in members_out}
    assert len(countries) >= 30
    assert {world.COUNTRIES[c]["region"] for c in countries} == {"Africa", "Asia", "Europe", "Americas",
                                                                   "Oceania", "Middle East"}
    assert {c["type"] for c in contribs} == set(TYPES)
    langs = Counter(c["language"] for c in contribs)
    assert langs["fr"] >= 40 and langs["es"] >= 40 and langs["pt"] >= 40 and langs["ar"] >= 25, langs
    mono = Counter(m["languages"][0] for m in members_out if len(m["languages"]) == 1)
    assert all(mono[l] >= 8 for l in ("fr", "es", "pt", "ar")), mono
    ids = {m["id"] for m in members_out}
    by_id = {m["id"]: m for m in members_out}
    org_ids = {o["id"] for o in orgs}
    for m in members_out:
        assert m["organisation_id"] in org_ids
        assert all(re.fullmatch(r"[a-z]{2}", l) for l in m["languages"]), m["languages"]  # ISO 639-1
    for c in contribs:
        assert 1 <= len(c["authors"]) <= 4 and len(set(c["authors"])) == len(c["authors"])
        assert all(a in ids for a in c["authors"])
        assert START.isoformat() <= c["date"] <= END.isoformat()
        n = len(c["text"].split())
        assert 50 <= n <= 220, (c["id"], n)
        for a in c["authors"]:
            langs_a = by_id[a]["languages"]
            if len(langs_a) == 1:
                assert c["language"] == langs_a[0], (c["id"], a)
        assert "{" not in c["text"] and "<" not in c["text"] and "{" not in c["title"], c["id"]


def main():
    check_banks()
    rng = random.Random(SEED)
    orgs = build_organisations()
    members = build_members(rng, orgs)
    for m in members:
        m.bio = make_bio(rng, m)
    contribs = build_contributions(rng, members)

    org_rows = [OrderedDict([("id", o["id"]), ("name", o["name"]), ("kind", o["kind"]), ("country", o["country"])])
                for o in orgs]
    member_rows = []
    for m in members:
        kws = LANGS[m.mono or "en"].subtopics[m.sub][1]["kw"]
        free = rng.sample(kws, rng.randint(1, min(3, len(kws))))
        member_rows.append(OrderedDict([
            ("id", m.id), ("name", m.name), ("organisation_id", m.org["id"]), ("country", m.country),
            ("languages", m.languages), ("level", m.level), ("bio", m.bio),
            ("topics", [m.topic] + list(m.secondary) + free),
            ("open_to_invitations", m.open), ("hidden", m.hidden), ("contact", m.contact)]))
    contrib_rows = [OrderedDict((k, v) for k, v in c.items() if not k.startswith("_")) for c in contribs]

    write_jsonl(os.path.join(HERE, "organisations.jsonl"), org_rows)
    write_jsonl(os.path.join(HERE, "members.jsonl"), member_rows)
    write_jsonl(os.path.join(HERE, "contributions.jsonl"), contrib_rows)

    n_by_member = Counter(a for c in contribs for a in c["authors"])
    gt = OrderedDict()
    gt["description"] = ("Ground truth of the generated sample community: each member's primary topic, primary "
                         "subtopic and secondary topics (with the subtopic their secondary contributions use). "
                         "Produced by data/generate.py; used by bench/queries/build_labels.py. "
                         "`contributions`: the topic and subtopic each contribution was written about "
                         "(bench/map_eval.py).")
    gt["taxonomy"] = OrderedDict(
        (t, OrderedDict([("label", EN_TOPICS[t]["label"]),
                         ("subtopics", OrderedDict((s, sb["label"]) for s, sb in EN_TOPICS[t]["subtopics"].items()))]))
        for t in TOPIC_SLUGS)
    gt["members"] = OrderedDict()
    for m in members:
        gt["members"][m.id] = OrderedDict([
            ("primary_topic", m.topic), ("primary_subtopic", m.sub), ("secondary_topics", list(m.secondary)),
            ("secondary_subtopics", [m.secondary_sub[t] for t in m.secondary]),
            ("level", m.level), ("hidden", m.hidden), ("writes_in", m.mono or "en"),
            ("n_contributions", n_by_member[m.id])])
    # each contribution's subject as drawn (bench/map_eval.py scores the knowledge map's topics)
    gt["contributions"] = OrderedDict(
        (c["id"], OrderedDict([("topic", c["_topic"]), ("subtopic", c["_sub"])])) for c in contribs)
    with open(os.path.join(HERE, "ground_truth.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(gt, f, ensure_ascii=False, indent=1)
        f.write("\n")

    # the community's own taxonomy as the knowledge map reads it (matcher/knowledge_map/taxonomy.py)
    taxonomy = OrderedDict([("topics", [
        OrderedDict([("slug", t), ("label", EN_TOPICS[t]["label"]), ("subtopics", [
            OrderedDict([("slug", s_), ("label", sb["label"])])
            for s_, sb in EN_TOPICS[t]["subtopics"].items()])])
        for t in TOPIC_SLUGS])])
    with open(os.path.join(HERE, "taxonomy.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(taxonomy, f, ensure_ascii=False, indent=1)
        f.write("\n")

    sanity_checks(org_rows, member_rows, contrib_rows)
    stats = stats_markdown(org_rows, member_rows, contrib_rows)
    taxo = ["| topic slug | subtopic slugs (label) |", "|---|---|"]
    for t in TOPIC_SLUGS:
        taxo.append("| `%s` | %s |" % (t, "; ".join("`%s` (%s)" % (s_, sb["label"])
                                                   for s_, sb in EN_TOPICS[t]["subtopics"].items())))
    readme = os.path.join(HERE, "README.md")
    if os.path.exists(readme):
        s = open(readme, encoding="utf-8").read()
        def ex(name, row):
            return "%s\n```json\n%s\n```" % (name, json.dumps(row, ensure_ascii=False))
        ex_m = next(m for m in member_rows if m["level"] == "active" and m["contact"] and len(m["languages"]) > 1)
        ex_c = next(c for c in contrib_rows if c["type"] == "forum_post" and c["language"] == "en"
                    and c["authors"][0] == ex_m["id"])
        examples = "\n\n".join([ex("`organisations.jsonl`", org_rows[0]), ex("`members.jsonl`", ex_m),
                                  ex("`contributions.jsonl`", ex_c)])
        for name, block in (("stats", stats), ("taxonomy", "\n".join(taxo)), ("examples", examples)):
            a, b = "<!-- %s:begin -->" % name, "<!-- %s:end -->" % name
            if a in s and b in s:
                s = s[:s.index(a) + len(a)] + "\n" + block + "\n" + s[s.index(b):]
        with open(readme, "w", encoding="utf-8", newline="\n") as f:
            f.write(s)
    print(stats)


if __name__ == "__main__":
    main()
