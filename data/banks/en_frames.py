# -*- coding: utf-8 -*-
"""English framings: how each contribution type, title and bio is structured.

Mini template language (shared by every language bank):
  <key>    replaced by a random entry of FRAMES[key] (entries may contain further <key> or {slot})
  {slot}   filled by the generator: label, Label, topic_label, place, country, org, author, first,
           role, speakers, date_long, hour, dur, y1, y2, fact1..fact4, ctx, q, t1, t2, t3,
           dtitle, desc, cols, did, kw, kw2, title, num:A-B, pct:A-B, dec:A-B, year
A *_struct entry is a list of parts joined with spaces into one text.
"""

FRAMES = {
    # ---------------------------------------------------------------- publication
    "publication_struct": [
        ["{ctx}", "<aim>", "<method>", "{fact1}", "{fact2}", "{fact3}", "<concl>"],
        ["Background: {ctx}", "Methods: <method>", "Results: {fact1} {fact2}", "Conclusions: <concl>"],
        ["<aim>", "{fact1}", "{fact2}", "<concl>"],
        ["<gap>", "<aim>", "<method>", "{fact1}", "{fact2}", "{fact3}", "<concl>"],
        ["Background: {ctx} <gap>", "Objective: <aim>", "Methods: <method> <method2>",
         "Results: {fact1} {fact2} {fact3} {fact4}", "Conclusions: <concl> <limits>"],
        ["{ctx}", "<gap>", "We <verb> {label} in {place}, {country}.", "{fact1}", "{fact2}", "<concl>", "<limits>"],
    ],
    "aim": [
        "This paper examines {label} in {place}, {country}.",
        "This study assesses {label} using evidence from {place}.",
        "We report on {num:2-10} years of work on {label} in {country}.",
        "The article analyses how {label} has been put into practice in {place}.",
        "This paper presents results of a {num:2-5}-year research programme on {label}.",
        "We review experience with {label} and test it against field data from {place}.",
    ],
    "verb": ["analyse", "evaluate", "document", "compare approaches to", "revisit"],
    "gap": [
        "Evidence on {label} from low- and middle-income settings remains scarce.",
        "Although {label} receives growing attention, few studies document field results over several years.",
        "Practitioners working on {label} often lack comparable field data.",
        "Most guidance on {label} was developed in high-income countries and is rarely tested elsewhere.",
    ],
    "method": [
        "We combined field measurements, utility records and interviews with {num:12-60} practitioners.",
        "Data from {num:3-40} sites in {place} were analysed over the period {y1}-{y2}.",
        "A mixed-methods design was used, including a survey of {num:150-1200} households and key informant interviews.",
        "We compiled monitoring data for {y1}-{y2} and ran a before-and-after comparison with control sites.",
        "The analysis draws on {num:4-15} case studies and a review of {num:20-90} project documents.",
        "Field campaigns were carried out in the dry and wet seasons of {y2}.",
    ],
    "method2": [
        "Results were discussed with the utility and local authorities in a validation workshop.",
        "Statistical significance was tested with non-parametric methods because of small samples.",
        "Costs were collected from contracts and utility accounts and expressed in {y2} prices.",
        "Field data were cross-checked against satellite products where available.",
    ],
    "concl": [
        "The findings have direct implications for agencies planning programmes on {label}.",
        "We conclude that institutional arrangements matter as much as technology for {label}.",
        "These results suggest that the approaches described can be scaled up, provided operation and maintenance are funded.",
        "The study offers practical recommendations for utilities, regulators and donors.",
        "Future work should test these results in other climatic and institutional settings.",
        "Simple monitoring, sustained over time, proved more useful than sophisticated one-off studies.",
    ],
    "limits": [
        "Limitations include the short observation period and the reliance on self-reported data for some indicators.",
        "Data gaps in the early years mean that some trends should be read with caution.",
    ],

    # ---------------------------------------------------------------- forum_post (question)
    "forum_ask_struct": [
        ["<greet>", "{q}", "<situation>", "<askdetail>", "<askclose>"],
        ["{q}", "<situation>", "Background: {fact1}", "<askdetail>", "<askclose>"],
        ["<greet>", "<situation>", "{q}", "<askclose>"],
        ["Question for the group: {q}", "<situation>", "<askdetail>", "<askclose>"],
    ],
    "greet": ["Hi all!", "Hello everyone!", "Dear colleagues, I hope you can help.", "Looking for advice from the community.",
              "Hi everyone, quick question."],
    "situation": [
        "We are a utility serving about {num:50-900} thousand people in {place}.",
        "I work with {org} and we are preparing a new programme on {label}.",
        "Our team in {place} is reviewing its approach to {label}.",
        "I'm a {role} in {place} and fairly new to {label}.",
        "We are writing terms of reference for a {label} study in {country}.",
        "Our ministry has asked us to scale up our work on {label} across {num:3-20} districts.",
    ],
    "askdetail": [
        "We have read the standard guidance, but it does not quite fit our conditions.",
        "Budget is limited, so we need something our own staff can run.",
        "Our first pilot gave mixed results and we are trying to understand why.",
        "The consultants proposed two options and we are not sure which one to back.",
        "We have about {num:3-12} months before the next budget round.",
    ],
    "askclose": [
        "Any experience, references or contacts would be much appreciated.",
        "I'd be grateful for examples from other utilities.",
        "Happy to summarise the answers for the group.",
        "Thanks in advance!",
        "Even short answers or links to reports would help.",
    ],

    # ---------------------------------------------------------------- forum_post (answer)
    "forum_answer_struct": [
        ["<ansopen>", "{fact1}", "{fact2}", "<anstip>"],
        ["<ansopen>", "{fact1}", "<anstip>", "<ansoffer>"],
        ["Short answer: it depends on local conditions, but here is what we learned in {place}.", "{fact1}", "{fact2}", "{fact3}", "<ansoffer>"],
        ["<ansopen>", "Some background first: {ctx}", "In our case, {fact1_lc}", "{fact2}", "{fact3}", "<anstip>", "<ansoffer>"],
        ["<ansopen>", "Two points from our side: (1) {fact1} (2) {fact2}", "<ansoffer>"],
    ],
    "ansopen": [
        "We had the same problem in {place}.",
        "Good question, and a common one.",
        "From our experience at {org}:",
        "A few thoughts from {place}.",
        "We went through this two years ago.",
        "I can share what worked for us in {country}.",
    ],
    "anstip": [
        "My advice would be to start with a small pilot, document everything and only then scale up.",
        "Do not underestimate the time needed to get operations staff on board.",
        "Make sure the budget for operation and maintenance is agreed before you start.",
        "Check the data first; many of our early problems turned out to be data problems.",
        "Involve the people who will run the system from day one.",
    ],
    "ansoffer": [
        "I can share our terms of reference if useful; send me a message.",
        "Happy to discuss on a call.",
        "Our final report is on the platform; search for {kw}.",
        "Feel free to contact me directly for the detailed figures.",
    ],

    # ---------------------------------------------------------------- project_report
    "project_report_struct": [
        ["This report summarises <phase> of the {project} ({y1}-{y2}).", "<objective>", "Over the period, the team has {did}.", "{fact1}", "{fact2}", "<challenge>", "Next steps: <nextstep>."],
        ["Objectives: <objective2>.", "Activities: the project has {did}.", "Results: {fact1} {fact2}", "Challenges: <challenge>", "Next steps: <nextstep>."],
        ["Progress report for <phase> of the {project}.", "{fact1}", "{fact2}", "{fact3}", "<challenge>", "The team will now <nextstep>."],
        ["Summary.", "{ctx}", "The {project} was set up <objective3>.", "{fact1}", "{fact2}", "Next steps: <nextstep>."],
        ["This report summarises <phase> of the {project} ({y1}-{y2}).", "<objective>", "Context: {ctx}",
         "Main activities: the team has {did}, organised {num:3-12} training sessions for {num:40-300} staff and met regularly with local authorities.",
         "Results so far: {fact1} {fact2} {fact3}", "Challenges: <challenge> <challenge2>", "Next steps: <nextstep>."],
    ],
    "phase": ["the inception phase", "phase 1", "phase 2", "the final year", "the mid-term review period", "the first 18 months"],
    "objective": [
        "Its focus is {label} in {place}.",
        "The project addresses {label} for a population of about {num:20-500} thousand.",
        "The aim is to test practical approaches to {label} and build local capacity.",
    ],
    "objective2": [
        "work on {label} in {place}",
        "build the capacity of local staff in {label}",
        "test and document approaches to {label} in {num:2-8} pilot areas",
    ],
    "objective3": [
        "to address weaknesses identified by the {y1} sector review",
        "to pilot new approaches to {label} in {place} before national roll-out",
        "with funding from development partners to work on {label}",
    ],
    "challenge": [
        "Procurement delays postponed field work by {num:2-6} months.",
        "Staff turnover in the partner organisation slowed the handover.",
        "Heavy rains made several sites inaccessible during the second quarter.",
        "Data from earlier studies were incomplete and had to be collected again.",
        "Counterpart funding arrived late, which delayed civil works.",
        "Exchange-rate changes increased equipment costs by {pct:8-20}.",
    ],
    "challenge2": [
        "Security incidents in two districts forced the team to work remotely for several weeks.",
        "Spare parts had to be imported, which delayed repairs.",
        "Baseline data turned out to be less reliable than expected.",
    ],
    "nextstep": [
        "extend the approach to {num:2-10} further districts",
        "hand over operation to the utility and agree a maintenance budget",
        "publish a guidance note and present it to the community of practice",
        "train local staff and complete the final evaluation",
        "prepare a funding proposal for the scale-up phase",
    ],

    # ---------------------------------------------------------------- webinar
    "webinar_struct": [
        ["Join us on {date_long} at {hour}:00 UTC for a {dur}-minute webinar on {label}.", "Speakers: {speakers}.", "{fact1}", "Agenda: 1) {t1}; 2) {t2}; 3) questions and discussion.", "<webclose>"],
        ["The community of practice on {topic_label} invites you to a webinar: {title}.", "{ctx}", "{speakers} will present experience from {place}.", "Agenda: {t1}; {t2}; open discussion.", "<webclose>"],
        ["Save the date: {date_long}, {hour}:00 UTC.", "This {dur}-minute session looks at {label}.", "{fact1}", "{fact2}", "Presenters: {speakers}.", "<webclose>"],
        ["Join us on {date_long} at {hour}:00 UTC for a {dur}-minute webinar on {label}.", "{ctx}", "{fact1}", "{fact2}",
         "About the speaker: {author} is {a_role} at {org} and has {did}.", "Agenda: 1) {t1}; 2) {t2}; 3) questions and discussion.", "<webclose>"],
        ["Webinar announcement.", "Topic: {label}.", "When: {date_long}, {hour}:00-{hour2}:00 UTC.", "Speakers: {speakers}.", "Programme: (1) {t1}; (2) {t2}; (3) {t3}; (4) Q&A.", "<webclose>"],
    ],
    "webclose": [
        "The session will be recorded and the slides shared with registered participants.",
        "Registration is free; places are limited to {num:100-500} participants.",
        "Open to all members; please bring your own questions and cases.",
        "Interpretation into French and Spanish will be available.",
        "A short reading list will be sent to participants beforehand.",
    ],

    # ---------------------------------------------------------------- dataset
    "dataset_struct": [
        ["{desc}, {place}, {y1}-{y2}.", "Columns: {cols}.", "<datacov>", "<datalic>"],
        ["This dataset contains {desc_lc}.", "Coverage: {place} ({country}), {y1}-{y2}.", "Columns: {cols}.", "<datause>", "<datalic>"],
        ["{desc}.", "The data were collected by {org} between {y1} and {y2}.", "Fields: {cols}.", "Context: {fact1}", "<datacov>", "<datalic>"],
    ],
    "datacov": [
        "Missing values are coded as NA; timestamps are in local time.",
        "Records were quality-checked and outliers flagged rather than removed.",
        "Personal data have been removed; locations are rounded to protect privacy.",
        "A data dictionary and a short methods note are included.",
        "Gaps longer than one week are documented in the accompanying readme.",
    ],
    "datalic": [
        "Released under CC-BY 4.0.",
        "Available on request for non-commercial research.",
        "Open data under the ODbL licence.",
        "Free to use with attribution to {org}.",
    ],
    "datause": [
        "The dataset can support research and planning on {label}.",
        "It was prepared for benchmarking and model calibration related to {label}.",
        "Useful for anyone comparing approaches to {label} across sites.",
    ],

    # ---------------------------------------------------------------- newsletter_article
    "newsletter_article_struct": [
        ["{org} has {did}.", "{fact1}", "\u201c<quote>,\u201d said {author}, {role} at {org}.", "<newsclose>"],
        ["In brief: {fact1}", "{fact2}", "The work is led by {author} ({org_bare}).", "<newsclose>"],
        ["Member news.", "{author} of {org} reports progress on {label} in {place}.", "{fact1}", "\u201c<quote>,\u201d {first} explains.", "<newsclose>"],
        ["{ctx}", "In {place}, {org} has {did}.", "{fact1}", "<newsclose>"],
    ],
    "quote": [
        "This shows what is possible when utilities and communities work together",
        "We now have the evidence we need to scale this up",
        "The hardest part was not the technology but changing daily routines",
        "Our next challenge is to make this sustainable without external funding",
        "We learned a lot from other members of this network",
        "Good data made the difference in convincing decision makers",
    ],
    "newsclose": [
        "More details will be shared at the next community webinar.",
        "A full report is expected later this year.",
        "Members interested in collaborating can contact the team through the platform.",
        "The results will be presented at the regional water conference.",
        "The approach is now being discussed with neighbouring municipalities.",
    ],

    # ---------------------------------------------------------------- case_study
    "case_study_struct": [
        ["Context: {ctx} In {place}, the situation was typical: {fact1}", "Intervention: {org} has {did}.", "Results: {fact2} {fact3}", "Lessons: <lesson>"],
        ["When {org} started working on {label} in {place}, the starting point was difficult.", "{ctx}", "Over {num:2-8} years the team has {did}.", "{fact1}", "{fact2}", "The main lesson: <lesson>"],
        ["Starting point: {ctx}", "What was done: the programme has {did}.", "Outcome: {fact1} {fact2}", "Looking back, <lesson>"],
        ["This case study describes {label} in {place}, {country}.", "{fact1}", "{fact2}", "{fact3}", "Key lesson: <lesson>"],
        ["Context: {ctx}", "The problem in {place}: {fact1_lc}", "Intervention: over {num:2-6} years, {org} has {did}.",
         "Results: {fact2} {fact3} {fact4}", "What made the difference: <success>", "Lessons: <lesson>"],
    ],
    "success": [
        "a small team with a clear mandate and a budget line of its own.",
        "strong support from the managing director and the regulator.",
        "weekly review of simple indicators by operational staff.",
        "early involvement of community leaders and local government.",
    ],
    "lesson": [
        "sustained funding for operation and maintenance matters more than the initial investment.",
        "start with a pilot small enough to manage, but large enough to convince decision makers.",
        "data collected by local staff, and owned by them, were used; data collected by consultants were not.",
        "political support at the right moment accelerated everything.",
        "communication with users must begin before construction, not after.",
        "clear roles between the utility, the municipality and the regulator avoided months of delay.",
        "technology choices should follow local skills and supply chains.",
    ],

    # ---------------------------------------------------------------- titles
    "title_publication": ["{title}", "{title}: evidence from {place}", "{title} in {country}", "{title}: a {num:3-12}-year assessment",
                          "{title}: lessons for practice"],
    "title_forum_ask": ["{q}", "{q}", "Advice needed: {q}", "Question from {place}: {q}", "{q} ({country})"],
    "title_forum_answer": ["Re: {q}"],
    "title_project_report": ["{title}: <phase_title> report", "Progress report: {title}", "{project}: annual report {y2}",
                             "{title} - project completion report"],
    "phase_title": ["inception", "mid-term", "phase 1", "phase 2", "final"],
    "title_webinar": ["Webinar: {title}", "Webinar - {Label} in practice", "Webinar: {title} ({date_short})"],
    "title_dataset": ["{dtitle}", "{dtitle}, {y1}-{y2}"],
    "title_newsletter_article": ["{title} in {place}", "{place}: {title}", "News from {country}: {title}", "{title}"],
    "title_case_study": ["Case study: {title}", "{title} - lessons from {place}", "Case study: {Label} in {place}"],

    # ---------------------------------------------------------------- project names
    "project": ["{place} {kw_title} Programme", "{kw_title} Support Project ({place})", "{place} {kw_title} Project",
                "{kw_title} Initiative in {place}"],

    # ---------------------------------------------------------------- bios
    "bio_struct": [
        ["I am a {role} at {org}, based in {place}.", "I work on {focus}.", "I have {did}.", "<bio_sec>"],
        ["{Role} with {years} years of experience.", "My main area is {focus}.", "Over the years I have {did}.", "<bio_sec>"],
        ["{name} is a {role} at {org} in {country}, specialising in {focus}.", "{first} has {did}.", "<bio_sec3>"],
        ["{first} leads work on {focus} at {org}.", "Previously, {first} has {did}.", "<bio_sec3>"],
        ["My work focuses on {focus}.", "At {org} I have {did}.", "<bio_sec>"],
        ["{Role} ({org_bare}).", "Expertise: {focus}.", "<bio_sec3>"],
    ],
    "bio_sec": ["I am also interested in {sec_label}.", "I also work on {sec_label}.", "Secondary interests: {sec_label}.",
                "Happy to exchange on {sec_label} too."],
    "bio_sec3": ["{first} also works on {sec_label}.", "Other interests include {sec_label}.", "Also active on {sec_label}."],
    "bio_nosec": ["Happy to share experience with other members.", "Open to exchanges with peers working on similar problems.", ""],
    "bio_short": ["{Role} at {org}. Interested in {label}.", "Interested in {label}; working at {org}.",
                  "{Role}, {country}. Following discussions on {label}."],
    "role_kind": {
        "utility": ["engineer", "operations manager", "planning engineer", "technical director", "senior engineer"],
        "ministry": ["policy adviser", "senior engineer", "director of water resources", "programme coordinator"],
        "university": ["lecturer", "PhD researcher", "professor", "research fellow", "postdoctoral researcher"],
        "ngo": ["programme manager", "technical adviser", "project officer", "country director"],
        "consultancy": ["consultant", "senior engineer", "associate director", "project manager"],
        "international": ["programme officer", "water specialist", "senior adviser", "knowledge manager"],
        "private_company": ["product manager", "applications engineer", "business development manager", "technical sales engineer"],
    },
}
