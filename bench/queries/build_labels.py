#!/usr/bin/env python3
"""Build graded "who knows X" needs for the sample community (standard library only).

    python3 bench/queries/build_labels.py

Reads data/ground_truth.json and writes, next to this script:

    water_needs.jsonl             {"id", "need", "topic", "subtopic", "relevance": {member_id: grade}}
    water_needs_translated.jsonl  {"id", "en", "fr", "es", "pt", "ar"}

The needs and their translations below are hand-written. Grades follow the rule documented in
README.md (same folder):

    3  the member's primary subtopic is the need's subtopic
    2  the member's primary topic is the need's topic
    1  the need's topic is one of the member's secondary topics
    (the highest applicable grade; members with no grade are not listed)

Hidden members and transactional members without any contribution are never relevant.
"""
import json
import os
import sys
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GROUND_TRUTH = os.path.join(ROOT, "data", "ground_truth.json")

# (id, topic, subtopic or None, en, fr, es, pt, ar)
NEEDS = [
    ("q01", "non_revenue_water", "leak_detection",
     "Who has experience with acoustic leak detection and noise loggers on plastic pipes?",
     "Qui a de l'expérience en détection acoustique des fuites et en enregistreurs de bruit sur des conduites en plastique ?",
     "¿Quién tiene experiencia en detección acústica de fugas y registradores de ruido en tuberías de plástico?",
     "Quem tem experiência com detecção acústica de vazamentos e registradores de ruído em tubulações de plástico?",
     "من لديه خبرة في الكشف الصوتي عن التسربات وأجهزة تسجيل الضوضاء على الأنابيب البلاستيكية؟"),
    ("q02", "non_revenue_water", "district_metered_areas",
     "Need help designing DMAs and analysing minimum night flow to cut NRW",
     "Besoin d'aide pour concevoir des secteurs de comptage (DMA) et analyser le débit minimum de nuit afin de réduire l'eau non facturée",
     "Necesitamos ayuda para diseñar sectores hidrométricos (DMA) y analizar el caudal mínimo nocturno para reducir el agua no facturada",
     "Precisamos de ajuda para projetar distritos de medição e controle (DMC) e analisar a vazão mínima noturna para reduzir as perdas de água",
     "نحتاج إلى مساعدة في تصميم مناطق القياس المعزولة وتحليل الحد الأدنى للتدفق الليلي لخفض المياه غير المدرة للدخل"),
    ("q03", "non_revenue_water", "pressure_management",
     "Looking for someone who has set up pressure reducing valves to reduce pipe bursts",
     "Je cherche quelqu'un qui a installé des réducteurs de pression pour diminuer les casses de conduites",
     "Busco a alguien que haya instalado válvulas reductoras de presión para reducir las roturas de tuberías",
     "Procuro alguém que tenha instalado válvulas redutoras de pressão para reduzir os rompimentos de tubulações",
     "أبحث عن شخص قام بتركيب صمامات تخفيض الضغط للحد من انفجارات الأنابيب"),
    ("q04", "non_revenue_water", "intermittent_supply",
     "Expert on moving a city from intermittent supply to continuous 24/7 water supply",
     "Expert du passage d'une ville d'une distribution intermittente à une alimentation en eau continue 24 h/24",
     "Experto en pasar una ciudad del suministro intermitente a un suministro continuo de agua las 24 horas",
     "Especialista na transição de uma cidade do abastecimento intermitente para o abastecimento contínuo 24 horas por dia",
     "خبير في تحويل مدينة من التزويد المتقطع بالمياه إلى التزويد المستمر على مدار الساعة"),
    ("q05", "non_revenue_water", "metering_commercial_losses",
     "Who can advise on commercial losses: customer meter accuracy, illegal connections and billing?",
     "Qui peut nous conseiller sur les pertes commerciales : précision des compteurs, branchements clandestins et facturation ?",
     "¿Quién puede asesorarnos sobre pérdidas comerciales: precisión de los medidores, conexiones ilegales y facturación?",
     "Quem pode orientar sobre perdas comerciais: precisão dos hidrômetros, ligações clandestinas e faturamento?",
     "من يستطيع تقديم المشورة بشأن الفاقد التجاري: دقة عدادات المشتركين والتوصيلات غير القانونية والفوترة؟"),
    ("q06", "wash_sanitation", "faecal_sludge_management",
     "FSM specialist needed: pit emptying services and faecal sludge treatment plant design",
     "Recherche spécialiste de la gestion des boues de vidange : services de vidange et conception de stations de traitement des boues",
     "Se necesita especialista en gestión de lodos fecales: servicios de vaciado de letrinas y diseño de plantas de tratamiento de lodos",
     "Procura-se especialista em gestão de lodo fecal: serviços de esvaziamento de fossas e projeto de estações de tratamento de lodo",
     "مطلوب خبير في إدارة الحمأة البرازية: خدمات تفريغ الحفر وتصميم محطات معالجة الحمأة"),
    ("q07", "wash_sanitation", "clts_rural_sanitation",
     "Someone with CLTS experience who has tackled slippage after ODF certification",
     "Quelqu'un ayant l'expérience de l'ATPC qui a déjà traité la régression des villages après la certification FDAL",
     "Alguien con experiencia en saneamiento total liderado por la comunidad que haya enfrentado retrocesos tras la certificación de comunidad libre de defecación al aire libre",
     "Alguém com experiência em saneamento total liderado pela comunidade que tenha lidado com retrocessos após a certificação de comunidade livre de defecação a céu aberto",
     "شخص لديه خبرة في الصرف الصحي الشامل بقيادة المجتمع وتعامل مع الانتكاس بعد إعلان القرى خالية من التغوط في العراء"),
    ("q08", "wash_sanitation", "sdg6_monitoring",
     "Who can help us estimate safely managed sanitation for SDG 6.2 reporting?",
     "Qui peut nous aider à estimer l'assainissement géré en toute sécurité pour le rapportage sur l'ODD 6.2 ?",
     "¿Quién puede ayudarnos a estimar el saneamiento gestionado de forma segura para el informe del ODS 6.2?",
     "Quem pode nos ajudar a estimar o esgotamento sanitário gerido de forma segura para o relatório do ODS 6.2?",
     "من يستطيع مساعدتنا في تقدير خدمات الصرف الصحي المُدارة بأمان لإعداد تقارير الغاية 6.2 من أهداف التنمية المستدامة؟"),
    ("q09", "wash_sanitation", "citywide_inclusive_sanitation",
     "Planning citywide inclusive sanitation with condominial sewers and on-site systems - who knows this?",
     "Planifier un assainissement inclusif à l'échelle de la ville avec égouts condominiaux et assainissement autonome : qui s'y connaît ?",
     "Planificación de saneamiento inclusivo a escala de ciudad con alcantarillado condominial y sistemas in situ: ¿quién conoce el tema?",
     "Planejamento de saneamento inclusivo em toda a cidade com esgoto condominial e soluções individuais: quem conhece o assunto?",
     "تخطيط صرف صحي شامل على مستوى المدينة يجمع بين الشبكات المشتركة المبسطة والأنظمة الموقعية: من لديه خبرة في ذلك؟"),
    ("q10", "wash_sanitation", "hygiene_behaviour_change",
     "Need advice on handwashing behaviour change campaigns and how to measure them",
     "Besoin de conseils sur les campagnes de changement de comportement pour le lavage des mains et sur la façon de les évaluer",
     "Necesito consejos sobre campañas de cambio de comportamiento para el lavado de manos y cómo medir sus resultados",
     "Preciso de orientação sobre campanhas de mudança de comportamento para a lavagem das mãos e sobre como medi-las",
     "أحتاج إلى مشورة حول حملات تغيير السلوك في غسل اليدين وكيفية قياس أثرها"),
    ("q11", "wash_sanitation", "school_health_facility_wash",
     "Experience with WASH FIT assessments in rural health care facilities",
     "Expérience des évaluations WASH FIT dans les centres de santé ruraux",
     "Experiencia con evaluaciones WASH FIT en establecimientos de salud rurales",
     "Experiência com avaliações WASH FIT em unidades de saúde rurais",
     "خبرة في تقييمات WASH FIT للمياه والصرف الصحي والنظافة في المرافق الصحية الريفية"),
    ("q12", "groundwater", "managed_aquifer_recharge",
     "Who has designed MAR schemes with infiltration basins or ASR wells?",
     "Qui a conçu des dispositifs de recharge maîtrisée des nappes avec bassins d'infiltration ou puits de stockage et de récupération ?",
     "¿Quién ha diseñado sistemas de recarga gestionada de acuíferos con balsas de infiltración o pozos de almacenamiento y recuperación?",
     "Quem já projetou sistemas de recarga gerenciada de aquíferos com bacias de infiltração ou poços de armazenamento e recuperação?",
     "من صمّم مشاريع للتغذية الاصطناعية للمياه الجوفية باستخدام أحواض الترشيح أو آبار التخزين والاسترجاع؟"),
    ("q13", "groundwater", "aquifer_overabstraction",
     "Looking for an expert on groundwater depletion and regulating pumping by farmers",
     "Je cherche un expert de la surexploitation des nappes et de la régulation des pompages agricoles",
     "Busco un experto en agotamiento de acuíferos y en la regulación del bombeo agrícola",
     "Procuro um especialista em esgotamento de aquíferos e regulação do bombeamento pelos agricultores",
     "أبحث عن خبير في استنزاف المياه الجوفية وتنظيم ضخ المزارعين"),
    ("q14", "groundwater", "hydrogeological_mapping",
     "Need a hydrogeologist for borehole siting with resistivity surveys in basement rock",
     "Besoin d'un hydrogéologue pour l'implantation de forages par prospection électrique en zone de socle",
     "Se necesita un hidrogeólogo para ubicar pozos mediante prospección geoeléctrica en roca cristalina",
     "Precisamos de um hidrogeólogo para a locação de poços com levantamentos de resistividade em rochas do embasamento cristalino",
     "نحتاج إلى خبير هيدروجيولوجي لتحديد مواقع الآبار باستخدام المسح بالمقاومة الكهربائية في الصخور القاعدية"),
    ("q15", "groundwater", "groundwater_monitoring",
     "Who can help redesign a groundwater monitoring network with automatic data loggers?",
     "Qui peut aider à repenser un réseau de suivi piézométrique équipé d'enregistreurs automatiques ?",
     "¿Quién puede ayudar a rediseñar una red de monitoreo de aguas subterráneas con registradores automáticos?",
     "Quem pode ajudar a reformular uma rede de monitoramento de águas subterrâneas com registradores automáticos?",
     "من يستطيع المساعدة في إعادة تصميم شبكة رصد المياه الجوفية باستخدام مسجلات بيانات آلية؟"),
    ("q16", "desalination", "swro_plants",
     "Advice on procuring and operating a seawater reverse osmosis (SWRO) plant",
     "Conseils pour la passation du marché et l'exploitation d'une usine de dessalement d'eau de mer par osmose inverse",
     "Asesoría para contratar y operar una planta desaladora de agua de mar por ósmosis inversa",
     "Orientação para contratar e operar uma usina de dessalinização de água do mar por osmose reversa",
     "مشورة بشأن طرح وتشغيل محطة لتحلية مياه البحر بالتناضح العكسي"),
    ("q17", "desalination", "brine_management",
     "Who knows how to manage brine discharge and design diffuser outfalls?",
     "Qui sait gérer les rejets de saumure et concevoir des émissaires équipés de diffuseurs ?",
     "¿Quién sabe gestionar el vertido de salmuera y diseñar emisarios con difusores?",
     "Quem sabe gerir o descarte de salmoura e projetar emissários com difusores?",
     "من يعرف كيفية إدارة تصريف المحلول الملحي المركز وتصميم ناشرات التصريف؟"),
    ("q18", "desalination", "membrane_fouling",
     "RO membranes fouling fast - need someone who knows pretreatment and clean-in-place",
     "Nos membranes d'osmose inverse s'encrassent vite : besoin de quelqu'un qui maîtrise le prétraitement et le nettoyage en place",
     "Las membranas de ósmosis inversa se ensucian rápido: necesito a alguien que conozca el pretratamiento y la limpieza in situ",
     "As membranas de osmose reversa estão incrustando rapidamente: preciso de alguém que entenda de pré-tratamento e limpeza química",
     "أغشية التناضح العكسي تنسد بسرعة: نحتاج إلى من يتقن المعالجة الأولية والتنظيف الكيميائي الموضعي"),
    ("q19", "desalination", "small_scale_brackish",
     "Small brackish-water RO units for villages: who has kept them running long term?",
     "Petites unités d'osmose inverse pour eaux saumâtres dans les villages : qui a réussi à les faire fonctionner durablement ?",
     "Pequeñas plantas de ósmosis inversa para agua salobre en comunidades rurales: ¿quién ha logrado mantenerlas funcionando a largo plazo?",
     "Pequenos dessalinizadores de água salobra para comunidades rurais: quem conseguiu mantê-los funcionando a longo prazo?",
     "وحدات صغيرة لتحلية المياه الجوفية المالحة في القرى: من نجح في إبقائها تعمل على المدى الطويل؟"),
    ("q20", "wastewater_reuse", "agricultural_reuse",
     "Expert on irrigating crops with treated wastewater under the WHO guidelines",
     "Expert de l'irrigation des cultures avec des eaux usées traitées selon les lignes directrices de l'OMS",
     "Experto en riego de cultivos con aguas residuales tratadas según las directrices de la OMS",
     "Especialista em irrigação de culturas com esgoto tratado segundo as diretrizes da OMS",
     "خبير في ري المحاصيل بمياه الصرف الصحي المعالجة وفق إرشادات منظمة الصحة العالمية"),
    ("q21", "wastewater_reuse", "potable_reuse",
     "Who has worked on direct or indirect potable reuse and public acceptance?",
     "Qui a travaillé sur la réutilisation potable directe ou indirecte et sur son acceptation par le public ?",
     "¿Quién ha trabajado en reúso potable directo o indirecto y en su aceptación pública?",
     "Quem já trabalhou com reúso potável direto ou indireto e com a aceitação do público?",
     "من عمل على إعادة الاستخدام المباشر أو غير المباشر للمياه المعالجة لأغراض الشرب وعلى تقبّل الجمهور لها؟"),
    ("q22", "wastewater_reuse", "urban_industrial_reuse",
     "Selling reclaimed water to industry for cooling towers: looking for experience",
     "Vendre de l'eau usée traitée aux industriels pour leurs tours de refroidissement : je cherche des retours d'expérience",
     "Venta de agua regenerada a la industria para torres de enfriamiento: busco experiencias",
     "Venda de água de reúso para a indústria em torres de resfriamento: procuro experiências",
     "بيع المياه المعالجة للصناعة لاستخدامها في أبراج التبريد: أبحث عن تجارب سابقة"),
    ("q23", "wastewater_reuse", "nature_based_treatment",
     "Constructed wetlands or stabilisation ponds for a small town's wastewater",
     "Filtres plantés de roseaux ou lagunage pour les eaux usées d'une petite ville",
     "Humedales artificiales o lagunas de estabilización para las aguas residuales de un pueblo pequeño",
     "Wetlands construídos ou lagoas de estabilização para o esgoto de uma pequena cidade",
     "الأراضي الرطبة المُنشأة أو برك التثبيت لمعالجة مياه الصرف الصحي في بلدة صغيرة"),
    ("q24", "flood_risk", "flood_early_warning",
     "Need someone to set up a flood early warning system with river gauges and SMS alerts",
     "Besoin de quelqu'un pour mettre en place un système d'alerte précoce aux crues avec stations hydrométriques et alertes SMS",
     "Necesitamos a alguien que implemente un sistema de alerta temprana de inundaciones con estaciones hidrométricas y alertas por SMS",
     "Precisamos de alguém para implantar um sistema de alerta precoce de cheias com estações fluviométricas e alertas por SMS",
     "نحتاج إلى من ينشئ نظام إنذار مبكر بالفيضانات يعتمد على محطات قياس منسوب الأنهار وتنبيهات عبر الرسائل القصيرة"),
    ("q25", "flood_risk", "flood_hazard_mapping",
     "Who can produce flood hazard maps with 2D HEC-RAS modelling?",
     "Qui peut produire des cartes d'aléa inondation avec une modélisation HEC-RAS 2D ?",
     "¿Quién puede elaborar mapas de peligro de inundación con modelación HEC-RAS 2D?",
     "Quem pode elaborar mapas de perigo de inundação com modelagem HEC-RAS 2D?",
     "من يستطيع إعداد خرائط مخاطر الفيضانات باستخدام النمذجة الهيدروليكية ثنائية الأبعاد ببرنامج HEC-RAS؟"),
    ("q26", "flood_risk", "coastal_flooding",
     "Expert on storm surge, sea-level rise and coastal flood defences",
     "Expert des surcotes de tempête, de l'élévation du niveau de la mer et des défenses contre la submersion marine",
     "Experto en marejadas de tormenta, aumento del nivel del mar y defensas contra inundaciones costeras",
     "Especialista em marés de tempestade, elevação do nível do mar e defesas contra inundações costeiras",
     "خبير في العواصف البحرية وارتفاع مستوى سطح البحر ووسائل الحماية من الفيضانات الساحلية"),
    ("q27", "flood_risk", "nature_based_flood",
     "Floodplain restoration and room-for-the-river projects: who has done this?",
     "Restauration de plaines inondables et projets « de l'espace pour le fleuve » : qui a déjà fait cela ?",
     "Restauración de llanuras de inundación y proyectos de «espacio para el río»: ¿quién lo ha hecho?",
     "Restauração de várzeas e projetos de «espaço para o rio»: quem já fez isso?",
     "إعادة تأهيل السهول الفيضية ومشاريع «إفساح المجال للنهر»: من نفّذ ذلك؟"),
    ("q28", "drought_risk", "drought_monitoring",
     "Who can build a drought monitor using SPI, SPEI and satellite vegetation indices?",
     "Qui peut mettre en place un observatoire de la sécheresse fondé sur le SPI, le SPEI et des indices de végétation satellitaires ?",
     "¿Quién puede construir un monitor de sequía con SPI, SPEI e índices de vegetación satelitales?",
     "Quem pode construir um monitor de secas com SPI, SPEI e índices de vegetação por satélite?",
     "من يستطيع بناء نظام لرصد الجفاف باستخدام مؤشرَي SPI وSPEI ومؤشرات الغطاء النباتي المستمدة من الأقمار الصناعية؟"),
    ("q29", "drought_risk", "rainwater_harvesting",
     "Rainwater harvesting cisterns and sand dams for dryland communities",
     "Citernes de récupération d'eau de pluie et barrages de sable pour les communautés des zones arides",
     "Cisternas de captación de agua de lluvia y presas de arena para comunidades de zonas áridas",
     "Cisternas de captação de água de chuva e barragens subterrâneas para comunidades do semiárido",
     "صهاريج حصاد مياه الأمطار والسدود الرملية لمجتمعات المناطق الجافة"),
    ("q30", "drought_risk", "pastoral_drought_resilience",
     "Water points and drought preparedness for pastoralist communities",
     "Points d'eau et préparation à la sécheresse pour les communautés pastorales",
     "Puntos de agua y preparación ante la sequía para comunidades de pastores",
     "Pontos de água e preparação para a seca em comunidades pastoris",
     "نقاط المياه والاستعداد للجفاف لدى المجتمعات الرعوية"),
    ("q31", "climate_adaptation", "adaptation_finance",
     "Help writing a Green Climate Fund proposal for a water adaptation project",
     "Aide à la rédaction d'une proposition au Fonds vert pour le climat pour un projet d'adaptation dans le secteur de l'eau",
     "Ayuda para redactar una propuesta al Fondo Verde para el Clima para un proyecto de adaptación en el sector del agua",
     "Ajuda para redigir uma proposta ao Fundo Verde para o Clima para um projeto de adaptação no setor de água",
     "مساعدة في كتابة مقترح لصندوق المناخ الأخضر لمشروع تكيّف في قطاع المياه"),
    ("q32", "climate_adaptation", "glacier_mountain_water",
     "Who studies glacier retreat and its impact on dry-season water supply?",
     "Qui étudie le recul des glaciers et son impact sur l'approvisionnement en eau en saison sèche ?",
     "¿Quién estudia el retroceso glaciar y su impacto en el abastecimiento de agua en época seca?",
     "Quem estuda o recuo das geleiras e seu impacto no abastecimento de água na estação seca?",
     "من يدرس تراجع الأنهار الجليدية وأثره على إمدادات المياه في موسم الجفاف؟"),
    ("q33", "climate_adaptation", "utility_net_zero",
     "Cutting energy use and greenhouse gas emissions of a water utility",
     "Réduire la consommation d'énergie et les émissions de gaz à effet de serre d'un service d'eau",
     "Reducir el consumo de energía y las emisiones de gases de efecto invernadero de una empresa de agua",
     "Reduzir o consumo de energia e as emissões de gases de efeito estufa de uma companhia de saneamento",
     "خفض استهلاك الطاقة وانبعاثات غازات الدفيئة لدى مرفق مياه"),
    ("q34", "climate_adaptation", "climate_resilient_wash",
     "Climate-proofing rural water supply and sanitation against floods and drought",
     "Rendre l'eau potable et l'assainissement en milieu rural résilients face aux inondations et à la sécheresse",
     "Hacer que el abastecimiento de agua y el saneamiento rurales resistan inundaciones y sequías",
     "Tornar o abastecimento de água e o saneamento rurais resilientes a cheias e secas",
     "تحصين أنظمة مياه الشرب والصرف الصحي الريفية ضد الفيضانات والجفاف"),
    ("q35", "transboundary_basins", "basin_organisations",
     "Experience with transboundary river basin organisations such as OMVS or the Niger Basin Authority",
     "Expérience des organismes de bassin transfrontaliers comme l'OMVS ou l'Autorité du bassin du Niger",
     "Experiencia con organismos de cuencas transfronterizas como la OMVS o la Autoridad de la Cuenca del Níger",
     "Experiência com organismos de bacias transfronteiriças como a OMVS ou a Autoridade da Bacia do Níger",
     "خبرة في منظمات أحواض الأنهار العابرة للحدود مثل منظمة استثمار نهر السنغال أو هيئة حوض النيجر"),
    ("q36", "transboundary_basins", "data_sharing_joint_monitoring",
     "How to get riparian countries to share hydrological data - who has negotiated this?",
     "Comment amener les pays riverains à partager leurs données hydrologiques : qui a déjà négocié cela ?",
     "Cómo lograr que los países ribereños compartan datos hidrológicos: ¿quién ha negociado algo así?",
     "Como levar os países ribeirinhos a compartilhar dados hidrológicos: quem já negociou isso?",
     "كيف نقنع الدول المتشاطئة بتبادل البيانات الهيدرولوجية؟ من تفاوض على ذلك من قبل؟"),
    ("q37", "transboundary_basins", "hydro_diplomacy",
     "Water diplomacy and benefit sharing in negotiations over a shared river",
     "Diplomatie de l'eau et partage des bénéfices dans les négociations sur un fleuve partagé",
     "Diplomacia del agua y distribución de beneficios en negociaciones sobre un río compartido",
     "Diplomacia da água e partilha de benefícios em negociações sobre um rio compartilhado",
     "دبلوماسية المياه وتقاسم المنافع في المفاوضات حول نهر مشترك"),
    ("q38", "water_governance", "rural_water_service_models",
     "Who knows professional maintenance models for rural handpumps?",
     "Qui connaît les modèles de maintenance professionnalisée des pompes à motricité humaine en milieu rural ?",
     "¿Quién conoce modelos de mantenimiento profesional para bombas manuales en zonas rurales?",
     "Quem conhece modelos de manutenção profissional para bombas manuais em áreas rurais?",
     "من يعرف نماذج الصيانة الاحترافية للمضخات اليدوية في المناطق الريفية؟"),
    ("q39", "water_governance", "gender_inclusion",
     "Gender equality and inclusion in water utilities and water committees",
     "Égalité de genre et inclusion dans les services d'eau et les comités de gestion de l'eau",
     "Igualdad de género e inclusión en las empresas de agua y los comités de agua",
     "Igualdade de gênero e inclusão em companhias de água e comitês de água",
     "المساواة بين الجنسين والشمول في مرافق المياه ولجان المياه"),
    ("q40", "water_governance", "integrity_anticorruption",
     "Integrity and anti-corruption measures in water infrastructure procurement",
     "Intégrité et lutte contre la corruption dans la passation des marchés d'infrastructures hydrauliques",
     "Integridad y medidas anticorrupción en la contratación de infraestructura hídrica",
     "Integridade e medidas anticorrupção nas licitações de infraestrutura hídrica",
     "النزاهة وتدابير مكافحة الفساد في مشتريات البنية التحتية للمياه"),
    ("q41", "water_governance", "policy_legal_reform",
     "Advice on drafting a new Water Act and reforming the water sector",
     "Conseils pour rédiger un nouveau code de l'eau et réformer le secteur",
     "Asesoría para redactar una nueva ley de aguas y reformar el sector",
     "Orientação para redigir uma nova lei de águas e reformar o setor",
     "مشورة في صياغة قانون جديد للمياه وإصلاح قطاع المياه"),
    ("q42", "water_finance", "tariff_design",
     "Who can review our water tariff structure and lifeline block for cost recovery?",
     "Qui peut revoir notre grille tarifaire de l'eau et la tranche sociale pour assurer le recouvrement des coûts ?",
     "¿Quién puede revisar nuestra estructura tarifaria y el bloque social para lograr la recuperación de costos?",
     "Quem pode revisar nossa estrutura tarifária de água e a tarifa social para garantir a recuperação de custos?",
     "من يستطيع مراجعة هيكل تعرفة المياه لدينا والشريحة الاجتماعية الأولى لتحقيق استرداد التكاليف؟"),
    ("q43", "water_finance", "affordability_subsidies",
     "Targeting pro-poor subsidies and social tariffs for water services",
     "Cibler les subventions en faveur des pauvres et les tarifs sociaux de l'eau",
     "Focalización de subsidios a favor de los pobres y tarifas sociales de agua",
     "Focalização de subsídios para a população pobre e tarifas sociais de água",
     "استهداف الدعم الموجه للفقراء والتعرفة الاجتماعية لخدمات المياه"),
    ("q44", "water_finance", "utility_creditworthiness",
     "Helping a water utility become creditworthy for commercial loans",
     "Aider un service d'eau à devenir solvable pour accéder à des prêts commerciaux",
     "Ayudar a una empresa de agua a ser sujeto de crédito para préstamos comerciales",
     "Ajudar uma companhia de água a obter capacidade de crédito para empréstimos comerciais",
     "مساعدة مرفق مياه على بلوغ الجدارة الائتمانية للحصول على قروض تجارية"),
    ("q45", "hydroinformatics_scada", "scada_telemetry",
     "Replacing an old SCADA system and telemetry for pumping stations and reservoirs",
     "Remplacer un vieux système SCADA et la télégestion des stations de pompage et des réservoirs",
     "Reemplazar un sistema SCADA antiguo y la telemetría de estaciones de bombeo y reservorios",
     "Substituir um sistema SCADA antigo e a telemetria de estações elevatórias e reservatórios",
     "استبدال نظام SCADA قديم وأنظمة القياس عن بُعد لمحطات الضخ والخزانات"),
    ("q46", "hydroinformatics_scada", "ot_cybersecurity",
     "Cybersecurity for SCADA and OT networks at a water utility",
     "Cybersécurité des réseaux SCADA et des systèmes industriels d'un service d'eau",
     "Ciberseguridad de las redes SCADA y de tecnología operativa en una empresa de agua",
     "Cibersegurança das redes SCADA e de tecnologia operacional em uma companhia de água",
     "الأمن السيبراني لشبكات SCADA وأنظمة التقنيات التشغيلية في مرفق مياه"),
    ("q47", "water_quality", "monitoring_laboratories",
     "Setting up drinking water quality labs and E. coli field testing",
     "Mettre en place des laboratoires de contrôle de la qualité de l'eau potable et des tests E. coli sur le terrain",
     "Instalar laboratorios de calidad del agua potable y pruebas de E. coli en campo",
     "Implantar laboratórios de qualidade da água potável e testes de E. coli em campo",
     "إنشاء مختبرات لجودة مياه الشرب وإجراء فحوص الإشريكية القولونية ميدانيًا"),
    ("q48", "water_quality", "emerging_contaminants",
     "Who has measured PFAS or micropollutants in drinking water sources?",
     "Qui a mesuré des PFAS ou des micropolluants dans des ressources en eau potable ?",
     "¿Quién ha medido PFAS o microcontaminantes en fuentes de agua potable?",
     "Quem já mediu PFAS ou micropoluentes em mananciais de água potável?",
     "من قام بقياس مركبات PFAS أو الملوثات الدقيقة في مصادر مياه الشرب؟"),
    ("q49", "water_quality", "water_safety_plans",
     "Water safety plan facilitator needed for a small town supply",
     "Recherche animateur de plan de gestion de la sécurité sanitaire des eaux pour le réseau d'une petite ville",
     "Se busca facilitador de plan de seguridad del agua para el sistema de una ciudad pequeña",
     "Procura-se facilitador de plano de segurança da água para o sistema de uma pequena cidade",
     "مطلوب ميسّر لإعداد خطة سلامة المياه لنظام إمداد في بلدة صغيرة"),
    ("q50", "water_quality", "geogenic_contaminants",
     "Arsenic and fluoride in groundwater wells - who can help?",
     "Arsenic et fluor dans l'eau des puits et des forages : qui peut nous aider ?",
     "Arsénico y flúor en pozos de agua subterránea: ¿quién puede ayudar?",
     "Arsênio e flúor em poços de água subterrânea: quem pode ajudar?",
     "الزرنيخ والفلورايد في آبار المياه الجوفية: من يستطيع المساعدة؟"),
    ("q51", "irrigation", "canal_modernisation",
     "Modernising a large canal irrigation scheme with automation and flow measurement",
     "Moderniser un grand périmètre irrigué par canaux : automatisation et mesure des débits",
     "Modernizar un gran distrito de riego por canales con automatización y medición de caudales",
     "Modernizar um grande perímetro de irrigação por canais com automação e medição de vazão",
     "تحديث مشروع ري كبير بالقنوات باستخدام الأتمتة وقياس التدفق"),
    ("q52", "irrigation", "irrigation_scheduling",
     "Irrigation scheduling with soil moisture sensors and evapotranspiration data",
     "Pilotage de l'irrigation avec des sondes d'humidité du sol et des données d'évapotranspiration",
     "Programación del riego con sensores de humedad del suelo y datos de evapotranspiración",
     "Manejo da irrigação com sensores de umidade do solo e dados de evapotranspiração",
     "جدولة الري باستخدام حساسات رطوبة التربة وبيانات التبخر والنتح"),
    ("q53", "irrigation", "drip_micro_irrigation",
     "Drip irrigation and fertigation for smallholder farmers",
     "Irrigation goutte-à-goutte et fertigation pour les petits exploitants",
     "Riego por goteo y fertirrigación para pequeños agricultores",
     "Irrigação por gotejamento e fertirrigação para pequenos agricultores",
     "الري بالتنقيط والتسميد مع مياه الري لصغار المزارعين"),
    ("q54", "irrigation", "water_user_associations",
     "Strengthening water user associations after irrigation management transfer",
     "Renforcer les associations d'usagers de l'eau après le transfert de la gestion de l'irrigation",
     "Fortalecer las asociaciones de usuarios de agua después de la transferencia de la gestión del riego",
     "Fortalecer associações de usuários de água após a transferência da gestão da irrigação",
     "تقوية جمعيات مستخدمي المياه بعد نقل إدارة الري إليها"),
    ("q55", "iwrm", "stakeholder_participation",
     "Who has facilitated basin committees and stakeholder platforms for water management?",
     "Qui a animé des comités de bassin et des plateformes multi-acteurs pour la gestion de l'eau ?",
     "¿Quién ha facilitado consejos de cuenca y plataformas de actores para la gestión del agua?",
     "Quem já facilitou comitês de bacia e plataformas de atores para a gestão da água?",
     "من قام بتيسير لجان الأحواض ومنصات أصحاب المصلحة لإدارة المياه؟"),
    ("q56", "iwrm", "environmental_flows",
     "Environmental flow assessment downstream of a hydropower dam",
     "Évaluation des débits écologiques à l'aval d'un barrage hydroélectrique",
     "Evaluación de caudales ecológicos aguas abajo de una represa hidroeléctrica",
     "Avaliação de vazões ecológicas a jusante de uma barragem hidrelétrica",
     "تقييم التدفقات البيئية أسفل سد لتوليد الطاقة الكهرومائية"),
    ("q57", "iwrm", "water_allocation_permits",
     "Reforming water abstraction permits and the licensing system",
     "Réformer les autorisations de prélèvement d'eau et le système de permis",
     "Reformar las concesiones de extracción de agua y el sistema de licencias",
     "Reformar as outorgas de captação de água e o sistema de licenciamento",
     "إصلاح تراخيص سحب المياه ونظام الترخيص"),
    # broad needs: topic only (no subtopic, so the highest grade is 2)
    ("q58", "climate_adaptation", None,
     "Climate change adaptation planning for the water sector",
     "Planification de l'adaptation au changement climatique dans le secteur de l'eau",
     "Planificación de la adaptación al cambio climático en el sector del agua",
     "Planejamento da adaptação às mudanças climáticas no setor de água",
     "التخطيط للتكيف مع تغير المناخ في قطاع المياه"),
    ("q59", "hydroinformatics_scada", None,
     "Digital water tools for utilities: SCADA, hydraulic models and data analytics",
     "Outils numériques pour les services d'eau : SCADA, modèles hydrauliques et analyse de données",
     "Herramientas digitales para empresas de agua: SCADA, modelos hidráulicos y analítica de datos",
     "Ferramentas digitais para companhias de água: SCADA, modelos hidráulicos e análise de dados",
     "الأدوات الرقمية لمرافق المياه: أنظمة SCADA والنماذج الهيدروليكية وتحليل البيانات"),
    ("q60", "transboundary_basins", None,
     "International water law and cooperation on transboundary rivers and aquifers",
     "Droit international de l'eau et coopération sur les fleuves et aquifères transfrontaliers",
     "Derecho internacional de aguas y cooperación en ríos y acuíferos transfronterizos",
     "Direito internacional da água e cooperação em rios e aquíferos transfronteiriços",
     "القانون الدولي للمياه والتعاون في الأنهار والأحواض الجوفية العابرة للحدود"),
    ("q61", "desalination", None,
     "Desalination expert to advise a coastal city facing water scarcity",
     "Expert en dessalement pour conseiller une ville côtière confrontée à la pénurie d'eau",
     "Experto en desalinización para asesorar a una ciudad costera con escasez de agua",
     "Especialista em dessalinização para assessorar uma cidade costeira com escassez de água",
     "خبير في تحلية المياه لتقديم المشورة لمدينة ساحلية تعاني من شح المياه"),
    ("q62", "wash_sanitation", None,
     "Sanitation and hygiene programmes in low-income urban and rural areas",
     "Programmes d'assainissement et d'hygiène dans les quartiers pauvres et les zones rurales",
     "Programas de saneamiento e higiene en zonas urbanas de bajos ingresos y áreas rurales",
     "Programas de saneamento e higiene em áreas urbanas de baixa renda e zonas rurais",
     "برامج الصرف الصحي والنظافة في المناطق الحضرية منخفضة الدخل والمناطق الريفية"),
]

LANGS = ("en", "fr", "es", "pt", "ar")


def eligible(info):
    """Hidden members and transactional members without contributions are never relevant."""
    if info["hidden"]:
        return False
    if info["level"] == "transactional" and info["n_contributions"] == 0:
        return False
    return True


def grade(info, topic, subtopic):
    if subtopic is not None and info["primary_subtopic"] == subtopic:
        return 3
    if info["primary_topic"] == topic:
        return 2
    if topic in info["secondary_topics"]:
        return 1
    return 0


def relevance(members, topic, subtopic):
    """{member_id: grade} of every eligible member with a grade, best grade first, then id."""
    rel = {}
    for mid, info in members.items():
        if eligible(info):
            g = grade(info, topic, subtopic)
            if g:
                rel[mid] = g
    return OrderedDict(sorted(rel.items(), key=lambda kv: (-kv[1], kv[0])))


def main():
    with open(GROUND_TRUTH, encoding="utf-8") as f:
        gt = json.load(f)
    taxonomy, members = gt["taxonomy"], gt["members"]
    seen = set()
    needs_out, trans_out = [], []
    for qid, topic, sub, en, fr, es, pt, ar in NEEDS:
        assert qid not in seen, qid
        seen.add(qid)
        assert topic in taxonomy, (qid, topic)
        assert sub is None or sub in taxonomy[topic]["subtopics"], (qid, sub)
        assert 5 <= len(en.split()) <= 20, (qid, len(en.split()))
        rel = relevance(members, topic, sub)
        assert any(g >= 2 for g in rel.values()), (qid, "no expert with grade >= 2")
        if sub is not None and sum(1 for g in rel.values() if g == 3) < 2:
            print("warning: %s has fewer than two grade-3 experts" % qid, file=sys.stderr)
        needs_out.append(OrderedDict([("id", qid), ("need", en), ("topic", topic), ("subtopic", sub),
                                      ("relevance", rel)]))
        trans_out.append(OrderedDict(zip(("id",) + LANGS, (qid, en, fr, es, pt, ar))))
    for name, rows in (("water_needs.jsonl", needs_out), ("water_needs_translated.jsonl", trans_out)):
        with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    if "-q" not in sys.argv:
        print("%-4s %-24s %-30s %3s %3s %3s" % ("id", "topic", "subtopic", "g3", "g2", "g1"))
        for r in needs_out:
            c = [sum(1 for g in r["relevance"].values() if g == k) for k in (3, 2, 1)]
            print("%-4s %-24s %-30s %3d %3d %3d" % (r["id"], r["topic"], r["subtopic"] or "-", *c))
        print("%d needs, %d translated" % (len(needs_out), len(trans_out)))


if __name__ == "__main__":
    main()
