"""Per-language rules for cutting needs out of a description (data for matcher.need_derivation).

Every pattern here is matched against a *folded* copy of the text (need_derivation.fold: lower
case, accents dropped, Arabic alef/ya/ta marbuta unified, curly apostrophes straightened), so the
entries are written folded as well: folding them is harmless, and they are folded again when
compiled. Lead-in entries are regular-expression fragments in which a space stands for any run of
white space; they must not use upper-case escapes (``\\S``, ``\\W``), which folding would turn
into their opposites. Fixed phrases are plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "pt", "ar")


@dataclass(frozen=True)
class LanguageRules:
    """How one language opens a request, joins two needs and fills a phrase with small words.

    A lead-in is ``opener? request? people? skills? article?`` at the start of a clause, where
    ``article`` is only removed after one of the other parts (so a need may start with "la").
    """

    openers: tuple[str, ...]  # "and", "also": a clause that continues the previous one
    requests: tuple[str, ...]  # "we need", "nous cherchons"
    people: tuple[str, ...]  # "experts in", "someone who knows"
    skills: tuple[str, ...]  # "expertise in", "experience with"
    articles: tuple[str, ...]  # small words left between a lead-in and the need ("de la")
    tails: tuple[str, ...]  # request endings after the needs ("... are needed")
    conjunctions: tuple[str, ...]  # words that join two needs or end a list ("and", "or")
    objects: tuple[str, ...]  # prepositions of place or purpose ("in", "for"; not "of")
    stopwords: frozenset[str]  # words of three letters or more that are not content words


RULES: dict[str, LanguageRules] = {
    "en": LanguageRules(
        openers=("and", "also", "finally", "plus", "as well as", "but also", "in addition"),
        requests=(
            r"(?:we|i|the project|this project|the programme|the program|the team|it) "
            r"(?:also |will |would |urgently )?(?:need|needs|require|requires|want|wants|seek"
            r"|seeks|are looking for|is looking for|am looking for|are seeking|would like)",
            r"(?:we are|we're|i am|i'm) (?:also )?(?:looking for|seeking|searching for)",
            r"(?:we|i)'d (?:also )?(?:like|need|want)",
            # "our municipality is looking for", "the ministry and the utility are seeking"
            r"(?:[^\s,.;:]+ ){1,4}(?:is|are) (?:also |now |urgently )?(?:looking for|seeking"
            r"|searching for)",
            "looking for", "seeking", "searching for", "requires?", "wanted",
        ),
        people=(
            r"(?:someone|somebody|people|partners|experts?|members?|a specialist|specialists"
            r"|an expert|professionals|consultants?|colleagues) (?:who|that|with|in|on|for|to)"
            r"(?: (?:can|could|know|knows|has|have|had|is|are)(?: (?:good at|experienced in"
            r"|(?:worked|work|experience|expertise) (?:on|in|with)))?)?",
            r"(?:experts?|specialists?|an expert|a specialist)",
        ),
        skills=(
            r"(?:(?:some|strong|solid|practical|hands-on|proven|technical) )?"
            r"(?:expertise|experience|skills|knowledge|help|support|capacity|advice|know-how)"
            r" (?:in|on|with|for|of|about)",
        ),
        articles=("the", "a", "an", "in", "on", "with", "for", "of", "about"),
        tails=(r"(?:is|are) (?:also |urgently )?(?:needed|required|wanted|sought|welcome)",
               r"would be (?:welcome|useful|helpful|needed)", "(?:is|are) a plus"),
        conjunctions=("and", "or", "as well as", "plus"),
        objects=("in", "for", "at", "on", "to", "within", "across", "among"),
        stopwords=frozenset({
            "the", "and", "for", "with", "from", "into", "onto", "about", "its", "their",
            "our", "your", "this", "that", "these", "those", "under", "over", "within",
            "across", "between", "using", "who", "which",
        }),
    ),
    "fr": LanguageRules(
        openers=("et", "aussi", "enfin", "egalement", "de plus", "ainsi que", "en outre",
                 "mais aussi"),
        requests=(
            r"(?:nous|on|je) (?:re)?cherch(?:ons|e)(?: aussi| egalement)?",
            r"(?:nous|on|je) (?:avons|a|ai|aurons|aura|aurions) (?:aussi |egalement )?besoin"
            r" (?:de|d')",
            r"(?:nous|on|je) (?:souhaitons|voulons|sollicitons|souhaite|veut|veux)"
            r"(?: (?:mobiliser|trouver|recruter|associer|impliquer))?",
            r"il (?:nous )?faut", r"il nous faudrait",
            r"(?:le|ce) (?:projet|programme) (?:necessite|requiert|demande|recherche|a besoin"
            r" (?:de|d'))",
            r"(?:re)?cherchons", "besoin (?:de|d')", "recherche",
        ),
        people=(
            r"(?:des|un|une|les|deux|trois) (?:experts?|expertes?|specialistes?|consultants?"
            r"|consultantes?|professionnels?|personnes?|partenaires?|ingenieurs?)"
            r"(?: (?:qui (?:connaissent|connait|maitrisent|maitrise)"
            r"|ayant une (?:solide )?experience (?:en|de|dans)"
            r"|(?:en|de|du|des|sur|dans|d'|pour)))?",
            r"quelqu'un (?:qui (?:connait|maitrise|sait)|ayant une experience (?:en|de|dans)"
            r"|(?:de|d'|en))",
            r"(?:experts?|specialistes?) (?:en|de|du|des|sur|dans|d')",
        ),
        skills=(
            r"(?:de l'|d'une |d'un |une |un |des )?(?:expertise|experience|competences?"
            r"|connaissances?|appui|accompagnement|soutien|aide|savoir-faire) (?:solides? )?"
            r"(?:en|de|du|des|sur|dans|d'|pour)",
        ),
        articles=("en matiere de", "en matiere d'", "dans le domaine de la",
                  "dans le domaine du", "dans le domaine des", "dans le domaine de",
                  "de la", "de l'", "du", "des", "de", "d'", "la", "le", "les", "l'", "en",
                  "sur la", "sur le", "sur les", "sur l'", "dans la", "dans le", "dans les",
                  "une", "un"),
        tails=(r"(?:est|sont) (?:aussi |egalement )?(?:recherche|necessaire|souhaite|bienvenu)"
               r"(?:e|s|es)?", r"(?:serait|seraient) (?:utiles?|bienvenue?s?)"),
        conjunctions=("et", "ou", "ainsi que"),
        objects=("pour", "dans", "a", "au", "aux", "en", "sur", "aupres", "chez"),
        stopwords=frozenset({
            "des", "les", "une", "pour", "dans", "sur", "avec", "aux", "par", "entre", "leur",
            "leurs", "nos", "notre", "vos", "votre", "ces", "cet", "cette", "qui", "que",
            "sous", "vers", "chez",
        }),
    ),
    "es": LanguageRules(
        openers=("y", "tambien", "ademas", "finalmente", "por ultimo", "asi como"),
        requests=(
            r"(?:buscamos|busco|estamos buscando|necesitamos|necesito|requerimos|queremos)"
            r"(?: (?:tambien|ademas))?(?: (?:contar con|incorporar|sumar|encontrar))?",
            r"(?:el|este) (?:proyecto|programa) (?:tambien |ademas )?(?:necesita|requiere|busca)",
            r"se (?:necesitan?|buscan?|requieren?)", r"nos hace falta", r"hace falta",
        ),
        people=(
            r"(?:(?:unos|unas|un|una|dos|tres) )?(?:expert[oa]s?|especialistas?|profesionales?"
            r"|consultor(?:es|as?)?|personas?|socios?|ingenier[oa]s?)"
            r"(?: (?:que (?:conozcan?|sepan?(?: de)?|dominen?)|con (?:amplia |solida )?experiencia"
            r" en|(?:en|de|del|sobre)))?",
            r"(?:a )?alguien (?:que (?:conozca|sepa(?: de)?|domine)|con experiencia en|(?:de|en))",
        ),
        skills=(
            r"(?:(?:una|un|la|el) )?(?:experiencia|experticia|pericia|conocimientos?|apoyo"
            r"|asesoria|asistencia tecnica|acompanamiento|ayuda) (?:solid[oa]s? )?"
            r"(?:en|de|del|sobre|para)",
        ),
        articles=("en el", "en la", "en los", "en las", "en", "de la", "del", "de los",
                  "de las", "de", "el", "la", "los", "las", "sobre", "en materia de",
                  "un", "una"),
        tails=(r"(?:es|son) (?:tambien )?(?:necesari|bienvenid|requerid)[oa]s?",
               r"(?:seria|serian) (?:utiles?|bienvenid[oa]s?)"),
        conjunctions=("y", "e", "o", "u", "asi como"),
        objects=("para", "en", "a", "al", "entre"),
        stopwords=frozenset({
            "los", "las", "del", "para", "con", "por", "una", "unos", "unas", "sobre", "entre",
            "sus", "nuestro", "nuestra", "nuestros", "este", "esta", "estos", "estas", "que",
            "hacia", "desde",
        }),
    ),
    "pt": LanguageRules(
        openers=("e", "tambem", "alem disso", "por fim", "finalmente", "bem como"),
        requests=(
            r"(?:precisamos|preciso|necessitamos|necessito)(?: (?:tambem|ainda))?"
            r"(?: de| d[eoa]s?)?",
            r"(?:procuramos|buscamos|queremos|estamos (?:a procura|em busca) de"
            r"|estamos procurando|estamos buscando)(?: (?:tambem|ainda))?",
            r"(?:o|este) (?:projeto|projecto|programa) (?:tambem )?(?:precisa de|requer"
            r"|necessita de|procura|busca)",
        ),
        people=(
            r"(?:(?:um|uma|uns|umas|dois|tres) )?(?:especialistas?|peritos?|consultor(?:es|as?)?"
            r"|profissionais|profissional|tecnicos?|pessoas?|parceiros?|engenheir[oa]s?)"
            r"(?: (?:que (?:conhecam?|saibam?|dominem?)|com (?:experiencia|conhecimentos?) em"
            r"|(?:em|de|do|da|dos|das|no|na|nos|nas|sobre)))?",
            r"alguem (?:que (?:conheca|saiba|domine)|com experiencia em|(?:de|em))",
        ),
        skills=(
            r"(?:(?:uma|um|a|o|de|do|da) )?(?:experiencia|conhecimentos?|apoio|assessoria"
            r"|assistencia tecnica|competencias?|ajuda|know-how) (?:solid[oa]s? )?"
            r"(?:em|de|do|da|dos|das|no|na|nos|nas|sobre|para)",
        ),
        articles=("em", "no", "na", "nos", "nas", "de", "do", "da", "dos", "das", "o", "a",
                  "os", "as", "sobre", "um", "uma", "em materia de"),
        tails=(r"(?:e|sao) (?:tambem )?(?:necessari|bem-vind|procurad)[oa]s?",
               r"(?:seria|seriam) (?:uteis|util|bem-vind[oa]s?)"),
        conjunctions=("e", "ou", "bem como"),
        objects=("para", "em", "no", "na", "nos", "nas", "a", "ao", "aos", "entre"),
        stopwords=frozenset({
            "dos", "das", "para", "com", "por", "uma", "umas", "uns", "nos", "nas", "sobre",
            "entre", "seus", "suas", "nosso", "nossa", "este", "esta", "estes", "estas",
            "que", "pelo", "pela", "pelos", "pelas", "num", "numa",
        }),
    ),
    "ar": LanguageRules(
        openers=("و", "كما", "ايضا", "كذلك", "واخيرا", "اخيرا", "بالاضافه الي ذلك"),
        requests=(
            r"(?:نحن )?(?:نحتاج|بحاجه|في حاجه)(?: ايضا| كذلك)?(?: الي| ل)?",
            r"(?:نبحث|نفتش) (?:ايضا )?عن", r"(?:نريد|نطلب|نود|نرغب في)",
            r"(?:يحتاج|يتطلب|يستلزم) (?:المشروع|البرنامج)(?: الي)?",
            r"(?:المشروع|البرنامج) (?:يحتاج|بحاجه)(?: الي)?",
        ),
        people=(
            r"(?:خبراء|خبير|خبيره|متخصصين|متخصص|مختصين|مختص|اخصائيين|مستشارين|مهندسين|شركاء)"
            r"(?: (?:في|ب|لديهم خبره في|يعرفون))?",
            r"(?:شخص|احد) (?:يعرف|يجيد|لديه خبره في|متخصص في)",
            r"من (?:يعرف|يجيد|لديه خبره في|لديهم خبره في)",  # "who knows ..."
        ),
        skills=(r"(?:خبره|خبرات|معرفه|دعم|مساعده|مشوره) (?:في|ب|حول)",),
        articles=("في مجال", "مجال", "في"),
        tails=(r"(?:مطلوب|مطلوبه|مطلوبون|مطلوبين)",),
        conjunctions=("و", "او"),
        objects=("في", "علي", "لدي", "داخل"),
        stopwords=frozenset({
            "في", "من", "علي", "الي", "عن", "مع", "التي", "الذي", "الذين", "ذلك", "هذه", "هذا",
            "بين", "حول", "لدي", "عند", "خلال", "ضمن", "او",
        }),
    ),
}

# Articles among the small words: repeated before two halves ("la A y la B") they are plain
# grammar, unlike a repeated preposition ("en A et en B"), which marks two needs.
DETERMINERS: frozenset[str] = frozenset({
    "the", "a", "an", "la", "le", "les", "l", "un", "une", "el", "los", "las", "o", "os", "as",
    "um", "uma", "uns", "umas", "unos", "unas",
})

# Arabic words that start with the letter و as part of the word, not as the conjunction "and"
# (folded). A word that starts with و and is not listed here is read as "and" + word.
ARABIC_WAW_WORDS: frozenset[str] = frozenset({
    "وزاره", "وزارات", "وزير", "وطني", "وطنيه", "وادي", "وديان", "وحده", "وحدات", "وسائل",
    "وسيله", "وصول", "وعي", "وقايه", "وضع", "وقت", "وثائق", "ورشه", "ورش", "وكاله", "وكالات",
    "ولايه", "وفره", "وجود", "وسط", "وفق", "وفقا", "وظائف", "وظيفه", "واحه", "واحات", "واقع",
    "وقود", "وارد", "واردات", "ورقه", "وصف", "وصفه", "وضعيه", "وثيقه", "ولاده", "وسيط",
})

# Phrases that read as one need although they hold a conjunction: never cut inside them.
FIXED_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "water and sanitation", "water supply and sanitation", "water, sanitation and hygiene",
        "water and wastewater", "operation and maintenance",
        "operations and maintenance", "monitoring and evaluation",
        "monitoring, evaluation and learning", "research and development",
        "surface water and groundwater", "health and safety", "supply and demand",
        "gender equality and social inclusion", "household water treatment and safe storage",
    ),
    "fr": (
        "eau et assainissement", "eau potable et assainissement", "l'eau et l'assainissement",
        "eau, assainissement et hygiène", "exploitation et maintenance",
        "exploitation et entretien",
        "suivi et évaluation", "suivi, évaluation et apprentissage",
        "recherche et développement", "eaux de surface et eaux souterraines",
        "égalité de genre et inclusion sociale", "égalité des sexes et inclusion sociale",
        "traitement de l'eau à domicile et stockage sûr",
    ),
    "es": (
        "agua y saneamiento", "agua potable y saneamiento", "agua, saneamiento e higiene",
        "agua potable y alcantarillado", "operación y mantenimiento",
        "monitoreo y evaluación", "seguimiento y evaluación", "investigación y desarrollo",
        "aguas superficiales y subterráneas", "igualdad de género e inclusión social",
        "tratamiento del agua en el hogar y almacenamiento seguro",
    ),
    "pt": (
        "água e saneamento", "água e esgoto", "abastecimento de água e saneamento",
        "abastecimento de água e esgotamento sanitário", "água, saneamento e higiene",
        "operação e manutenção", "monitoramento e avaliação",
        "monitorização e avaliação", "acompanhamento e avaliação", "pesquisa e desenvolvimento",
        "investigação e desenvolvimento", "águas superficiais e subterrâneas",
        "igualdade de género e inclusão social", "igualdade de gênero e inclusão social",
        "distrito de medição e controle", "distritos de medição e controle",
        "tratamento doméstico da água e armazenamento seguro",
    ),
    "ar": (
        "المياه و الصرف الصحي", "مياه الشرب و الصرف الصحي", "المياه و الصرف الصحي و النظافة",
        "المياه و الصرف الصحي و النظافة الصحية", "التشغيل و الصيانة",
        "الرصد و التقييم", "المتابعة و التقييم", "البحث و التطوير",
        "المياه السطحية و الجوفية", "المساواة بين الجنسين و الإدماج الاجتماعي",
        "معالجة المياه المنزلية و التخزين الآمن",
    ),
}

# The head nouns of an organisation's or a unit's name (folded): a run of capitalised words that
# holds one ("Directorate of Environmental Health and Sanitation", "Ministère de l'Hydraulique")
# is a name, and the glossary terms inside it are not needs. Arabic writes no capitals.
ORGANISATION_HEADS: frozenset[str] = frozenset({
    "directorate", "ministry", "department", "unit", "agency", "authority",
    "commission", "division", "office", "cluster", "secretariat", "institute", "bureau",
    "direction", "ministere", "service", "agence", "institut", "cellule",
    "direccion", "ministerio", "secretaria", "agencia", "departamento", "unidad", "servicio",
    "instituto", "diretoria", "unidade", "superintendencia",
    # councils, committees and conventions: a named one is an institution, not its subject
    "committee", "council", "convention", "comite", "conseil", "consejo", "conselho",
    "convencao", "convencion", "convenio", "convencao-quadro", "comision", "comissao", "unite",
    "cabinet",
})
# small words that may stand between the capitalised words of one name
NAME_JOINERS: frozenset[str] = frozenset({
    "of", "and", "for", "the", "on", "de", "des", "du", "la", "le", "les", "l", "d", "et",
    "pour", "del", "y", "e", "para", "do", "da", "dos", "das", "em", "sobre", "sur",
})
