"""An extremism functional test suite, in the spirit of HateCheck: one short template per function.

Propaganda does things with words: it glorifies an attack, pledges allegiance, calls people to
migrate or join, publishes an "official release" with its markers, threatens. Reporting,
research, condemnation and counter-messaging talk about the same groups, places and attacks
without doing any of those things, and a topic detector cannot tell them apart. Each template
below is one function, in English, Arabic or French, with slots for a group (``[G]``), a place
(``[P]``) and a person (``[N]``). The threat part does the same for threats (direct, conditional,
normative, against a named person, against platform staff) and for the violent words that are not
threats (sport, games, idioms, news of violence, counter-speech).

The sentences are bland and artificial on purpose: the suite tests function and structure, not
realism. Group slot values include real group names (a detector must handle the names it will
meet) and fictional ones; places and people are fictional. Every template has an id, and the
split is by template (:func:`template_split`), so a test sentence never shares its frame with a
training one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# -- slot values --------------------------------------------------------------------------------

GROUPS: dict[str, tuple[str, ...]] = {
    "en": ("IS", "ISIS", "Daesh", "al-Shabab", "the Islamic State", "the Ashen Banner", "the Grey Example Front"),
    "ar": ("داعش", "الدولة الإسلامية", "الشباب", "تنظيم الدولة", "الراية الرمادية", "جبهة المثال"),
    "fr": ("l'EI", "Daech", "l'État islamique", "al-Shabab", "la Bannière cendrée", "le Front Exemple"),
}
PLACES: dict[str, tuple[str, ...]] = {
    "en": ("Elmwood", "Riverton", "Port Example", "the Northgate market"),
    "ar": ("مدينة النخيل", "وادي المثال", "سوق الشمال", "قرية الرمل"),
    "fr": ("Villeneuve", "Port-Exemple", "le marché du Nord", "Saint-Exemple"),
}
PEOPLE: dict[str, tuple[str, ...]] = {
    "en": ("Dana Reyes", "Tomas Vey", "Karim Testwell", "Lena Marsh"),
    "ar": ("خالد المثالي", "سامي الرملي", "ليلى النخلي", "عمر الوادي"),
    "fr": ("Julie Exemple", "Marc Dupontel", "Nadia Testard", "Luc Villard"),
}
STAFF: dict[str, tuple[str, ...]] = {
    "en": ("the moderators of ExamplePlatform", "ExamplePlatform staff", "the trust and safety team"),
    "ar": ("موظفي منصة المثال", "مشرفي المنصة", "فريق الإشراف في المنصة"),
    "fr": ("les modérateurs d'ExemplePlateforme", "les employés d'ExemplePlateforme", "l'équipe de modération"),
}

# -- templates: (function, frames) per language --------------------------------------------------

#: Functions of propaganda (label 1) and functions that talk about the same things (label 0).
PROPAGANDA_FUNCTIONS = ("glorify_attack", "pledge", "call_to_join", "official_release", "threaten")
NOT_PROPAGANDA_FUNCTIONS = (
    "report_attack",
    "attribute_claim",
    "condemn",
    "quote_rebut",
    "research",
    "remember_victims",
    "satire",
    "counter_messaging",
    "everyday_faith",
)

_PROPAGANDA: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "glorify_attack": (
            "glory to the lions of [G] who struck [P] today",
            "the heroes of [G] made [P] tremble, may they be rewarded",
            "what a blessed raid by the soldiers of [G] in [P]",
            "rejoice brothers, [G] humiliated the enemy in [P]",
            "the martyrdom operation in [P] by [G] was a victory for us all",
        ),
        "pledge": (
            "I renew my pledge of allegiance to the leader of [G]",
            "we pledge to hear and obey the emir of [G]",
            "our hearts and our hands are with [G] until the end",
            "from [P] we give our bay'ah to [G]",
            "I swear loyalty to [G] and its caliph",
        ),
        "call_to_join": (
            "brothers, leave the land of the disbelievers and make hijrah to [G]",
            "do not stay home, the ranks of [G] are waiting for you",
            "come join the caravan of [G], your place is with the mujahideen",
            "migrate to the lands of [G] before the door closes",
            "o youth, answer the call of [G] and go to [P]",
        ),
        "official_release": (
            "new release from the media office of [G] wilayah [P]",
            "breaking: official statement by [G] on the blessed raid in [P], share widely",
            "[G] media foundation presents a new issue, download and spread",
            "exclusive from the amaq agency: soldiers of [G] took control of [P]",
            "the official spokesman of [G] releases a new audio message",
        ),
        "threaten": (
            "the soldiers of [G] are coming for you, crusaders of [P]",
            "wait for what [G] has prepared for you in [P]",
            "you will not be safe in [P], [G] will reach you",
            "[G] promises the apostates of [P] days darker than night",
            "the next strike of [G] will be in your streets",
        ),
    },
    "ar": {
        "glorify_attack": (
            "هنيئا لأسود [G] الذين ضربوا [P] اليوم",
            "غزوة مباركة لجنود [G] في [P] فرحنا بها",
            "أبطال [G] زلزلوا [P] تقبلهم الله",
            "نصر من الله لجنود [G] في [P] فأبشروا",
        ),
        "pledge": (
            "أجدد بيعتي لأمير [G] على السمع والطاعة",
            "نبايع [G] في المنشط والمكره",
            "من [P] نعلن بيعتنا لخليفة [G]",
            "قلوبنا وسيوفنا مع [G] حتى النهاية",
        ),
        "call_to_join": (
            "يا شباب الأمة انفروا والحقوا بركب [G]",
            "هاجروا إلى أرض [G] قبل أن يغلق الباب",
            "لا تقعد مع القاعدين فصفوف [G] تنتظرك",
            "الهجرة الهجرة إلى [P] حيث جنود [G]",
        ),
        "official_release": (
            "إصدار جديد من المكتب الإعلامي لـ[G] ولاية [P]",
            "بيان رسمي صادر عن [G] بخصوص غزوة [P] انشروه",
            "وكالة أعماق: جنود [G] يسيطرون على [P]",
            "كلمة صوتية جديدة للمتحدث الرسمي باسم [G]",
        ),
        "threaten": (
            "جنود [G] قادمون إليكم يا صليبيي [P]",
            "انتظروا ما أعده لكم [G] في [P]",
            "لن تأمنوا في [P] فـ[G] سيصل إليكم",
            "الضربة القادمة لـ[G] ستكون في شوارعكم",
        ),
    },
    "fr": {
        "glorify_attack": (
            "gloire aux lions de [G] qui ont frappé [P] aujourd'hui",
            "quelle raid béni des soldats de [G] à [P]",
            "réjouissez-vous frères, [G] a humilié l'ennemi à [P]",
            "les héros de [G] ont fait trembler [P], qu'ils soient récompensés",
        ),
        "pledge": (
            "je renouvelle mon allégeance à l'émir de [G]",
            "nous prêtons serment d'écouter et d'obéir à [G]",
            "depuis [P] nous donnons notre bay'ah à [G]",
            "nos cœurs et nos mains sont avec [G] jusqu'à la fin",
        ),
        "call_to_join": (
            "frères, quittez la terre des mécréants et faites la hijra vers [G]",
            "ne restez pas chez vous, les rangs de [G] vous attendent",
            "rejoignez la caravane de [G], votre place est parmi les moudjahidines",
            "émigrez vers les terres de [G] avant que la porte ne se ferme",
        ),
        "official_release": (
            "nouvelle publication du bureau médiatique de [G] wilaya de [P]",
            "communiqué officiel de [G] sur le raid béni de [P], partagez",
            "exclusif agence amaq : les soldats de [G] contrôlent [P]",
            "nouveau message audio du porte-parole officiel de [G]",
        ),
        "threaten": (
            "les soldats de [G] arrivent pour vous, croisés de [P]",
            "attendez ce que [G] vous a préparé à [P]",
            "vous ne serez pas en sécurité à [P], [G] vous atteindra",
            "la prochaine frappe de [G] sera dans vos rues",
        ),
    },
}

_NOT_PROPAGANDA: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "report_attack": (
            "police say an attack in [P] killed four people on Tuesday",
            "officials confirm a senior [G] commander was killed near [P]",
            "an explosion at a checkpoint in [P] wounded several civilians, local media report",
            "security forces retook [P] from [G] after weeks of fighting",
            "the death toll from the bombing in [P] has risen to twelve",
            # 2.2.0: wire-headline style, with the news words pro-IS relays also use.
            "ministry confirms [G] commander killed in air strike near [P]",
            "drone strike kills two senior [G] militants near [P], officials say",
            "army says troops recaptured [P] after clashes with [G] fighters",
            "coalition air strikes hit [G] positions outside [P], monitors report",
            "breaking: car bomb kills five at checkpoint in [P], no group has claimed it yet",
            "[G] fighters seize two villages near [P], residents say",
            "suicide bomber kills eleven at market in [P], police say",
        ),
        "attribute_claim": (
            "[G] claimed responsibility for the attack in [P] through its news agency",
            "a statement attributed to [G] said its fighters carried out the raid, which could not be verified",
            "[G] says it was behind the [P] blast, officials are investigating the claim",
            "the group's media outlet claimed the attack, according to monitors",
            "analysts doubt the [G] claim about the killings in [P]",
        ),
        "condemn": (
            "we condemn the cowardly attack by [G] in [P] in the strongest terms",
            "there is no justification for the violence of [G]",
            "the council of imams of [P] denounced [G] and its crimes",
            "[G] does not speak for muslims and never will",
            "the killing of civilians in [P] by [G] is a crime",
        ),
        "quote_rebut": (
            "[G] calls its attacks a victory, but the victims in [P] were children",
            "they say join [G] and find honour, former members say they found only fear",
            "'make hijrah' says the [G] poster, here is what the families left behind say",
            "[G] claims to protect muslims while it kills them in [P]",
            "the recruiter promised paradise, [N] tells how [G] lied to him",
        ),
        "research": (
            "new paper: how [G] used messaging apps to spread propaganda, by [N]",
            "our dataset covers 2,000 accounts linked to [G] between 2014 and 2016",
            "[N] studies the decline of [G] media output after 2017",
            "a report on online radicalisation finds [G] content fell by half",
            "seminar on [G] recruitment networks with [N] this thursday",
        ),
        "remember_victims": (
            "today we remember the victims of the [P] attack, rest in peace",
            "five years since [G] attacked [P], our thoughts are with the families",
            "a memorial for those killed in [P] was unveiled this morning",
            "we will never forget the people [G] took from us in [P]",
            "candles lit in [P] for the victims of the bombing",
        ),
        "satire": (
            "[G] announces a new caliphate in a group chat of three people",
            "breaking: [G] media office struggles to find its wifi password",
            "local man says [G] propaganda videos are worse than his holiday films",
            "the [G] recruiter was last seen arguing with a vending machine in [P]",
            "[G] releases its tenth final statement this week",
        ),
        "counter_messaging": (
            "#NotInOurName: young people of [P] speak out against [G]",
            "leaving [G] was the best thing I did, says former member [N]",
            "if someone online asks you to join [G], talk to someone you trust",
            "[N] runs workshops in [P] to help teens resist extremist recruiters",
            "the real face of [G]: stories from survivors in [P]",
        ),
        # Ordinary religious life: the pro-IS accounts' greetings and prayers taught 2.0.0 that
        # "JazakAllah khair" is propaganda. Bland everyday expressions of faith must never be flagged.
        "everyday_faith": (
            "JazakAllah khair brother, see you at the mosque",
            "Eid Mubarak to everyone in [P], enjoy the day with your families",
            "May Allah bless you and your family",
            "Alhamdulillah, the exam went well",
            "Bismillah, starting my new job today",
            "wa alaikum salam sister, hope you are well",
            "Ramadan Kareem! iftar at [N]'s house tonight",
            "InshaAllah we will meet after Friday prayer",
            "SubhanAllah, what a beautiful sunset over [P]",
            "ameen, may Allah grant you shifa",
            "the new mosque in [P] opens its doors to neighbours on Saturday",
            "barakAllahu feek akhi, thanks for the help with the move",
            # 2.2.0: appended, so the rotation keeps every earlier frame in its split.
            "Assalamu alaikum everyone, jummah mubarak",
            "JazakAllahu khairan for the lovely iftar, sister",
            "May Allah reward you for your kindness",
            "MashaAllah, congratulations on the new baby!",
            "wa iyyak akhi, anytime",
            "Ya Allah, grant my mother good health",
            "Alhamdulillah for another day",
            "dua for my grandfather please, he is in hospital",
            "Eid Mubarak from our family to yours",
            "Ramadan Mubarak, may your fasts be accepted",
            "reading surah al-kahf this friday, bismillah",
            "InshaAllah I will visit you next week brother",
        ),
    },
    "ar": {
        "report_attack": (
            "قالت الشرطة إن هجوما في [P] أدى إلى مقتل أربعة أشخاص",
            "مقتل قيادي بارز في [G] بغارة قرب [P] بحسب مصادر رسمية",
            "انفجار عند حاجز في [P] يصيب عددا من المدنيين",
            "القوات الحكومية تستعيد [P] من [G] بعد أسابيع من المعارك",
            # 2.2.0: appended, so the rotation keeps every earlier frame in its split.
            "وزارة الدفاع تؤكد مقتل قيادي في [G] بغارة جوية قرب [P]",
            "عاجل: مقتل خمسة في تفجير سيارة مفخخة عند حاجز في [P]",
            "غارة بطائرة مسيرة تقتل اثنين من قادة [G] قرب [P] بحسب مسؤولين",
            "الجيش يعلن استعادة [P] بعد اشتباكات مع مسلحي [G]",
            "غارات للتحالف على مواقع [G] في ريف [P] بحسب المرصد",
            "مسلحو [G] يسيطرون على قريتين قرب [P] وفق سكان",
            "ارتفاع حصيلة قتلى الهجوم على سوق [P] إلى أحد عشر",
            "مصادر أمنية: قصف يستهدف مقرا لـ[G] شرق [P]",
        ),
        "attribute_claim": (
            "تبنى [G] الهجوم على [P] عبر وكالته بحسب بيان لم يتم التحقق منه",
            "بيان منسوب إلى [G] يزعم مسؤوليته عن التفجير والسلطات تحقق",
            "محللون يشككون في ادعاء [G] بشأن هجوم [P]",
            "أعلن [G] مسؤوليته عن الهجوم وفق مراقبين",
        ),
        "condemn": (
            "ندين بشدة الهجوم الجبان الذي نفذه [G] في [P]",
            "لا مبرر لجرائم [G] بحق الأبرياء",
            "[G] لا يمثل الإسلام ولا المسلمين",
            "استنكر علماء [P] جرائم [G] وقتل المدنيين",
        ),
        "quote_rebut": (
            "يسمي [G] هجماته نصرا لكن الضحايا في [P] كانوا أطفالا",
            "يدعي [G] حماية المسلمين وهو يقتلهم في [P]",
            "وعدوه بالجنة فاكتشف [N] كذب [G]",
            "يقولون هاجروا إلى [G] لكن العائدين يروون قصصا مختلفة",
        ),
        "research": (
            "دراسة جديدة عن استخدام [G] لتطبيقات المراسلة في الدعاية للباحث [N]",
            "تقرير يرصد تراجع إصدارات [G] الإعلامية بعد عام 2017",
            "ندوة حول شبكات التجنيد لدى [G] مع الباحث [N]",
            "بحث يحلل خطاب [G] على الإنترنت بين 2014 و2016",
        ),
        "remember_victims": (
            "نتذكر اليوم ضحايا هجوم [P] رحمهم الله",
            "خمس سنوات على هجوم [G] في [P] وقلوبنا مع العائلات",
            "نصب تذكاري لضحايا [P] افتتح هذا الصباح",
            "لن ننسى من أخذهم [G] منا في [P]",
        ),
        "satire": (
            "[G] يعلن خلافة جديدة في مجموعة واتساب من ثلاثة أشخاص",
            "عاجل: المكتب الإعلامي لـ[G] لا يجد كلمة سر الواي فاي",
            "متحدث [G] يصدر بيانه الأخير للمرة العاشرة هذا الأسبوع",
            "آخر مجند في [G] شوهد يتشاجر مع آلة بيع في [P]",
        ),
        "counter_messaging": (
            "#ليس_باسمنا شباب [P] يرفعون صوتهم ضد [G]",
            "تركي لـ[G] كان أفضل قرار في حياتي يقول [N]",
            "إذا دعاك أحد على الإنترنت للانضمام إلى [G] فتحدث مع شخص تثق به",
            "[N] ينظم ورشات في [P] لحماية الشباب من دعاية [G]",
        ),
        # Ordinary religious life: the pro-IS accounts' greetings and prayers taught 2.0.0 that
        # "JazakAllah khair" is propaganda. Bland everyday expressions of faith must never be flagged.
        "everyday_faith": (
            "جزاك الله خيرا يا اخي",
            "عيد مبارك على الجميع وكل عام وانتم بخير",
            "اللهم بارك لك في اهلك ومالك",
            "الحمد لله نجحت في الامتحان",
            "بسم الله نبدأ يوم عمل جديد",
            "وعليكم السلام ورحمة الله اختي",
            "رمضان كريم والافطار اليوم عند [N]",
            "ان شاء الله نلتقي بعد صلاة الجمعة",
            "سبحان الله ما اجمل الغروب في [P]",
            "امين يا رب ربنا يشفيك",
            "افتتاح المسجد الجديد في [P] يوم السبت والجميع مدعو",
            "بارك الله فيك على المساعدة",
            # 2.2.0: appended, so the rotation keeps every earlier frame in its split.
            "السلام عليكم جمعة مباركة على الجميع",
            "جزاكم الله خيرا على الافطار الجميل",
            "الله يجزيك الخير على لطفك",
            "ما شاء الله مبروك المولود الجديد",
            "وإياك يا اخي في اي وقت",
            "اللهم اشف امي واحفظها",
            "الحمد لله على نعمة يوم جديد",
            "ادعوا لجدي بالشفاء فهو في المستشفى",
            "عيدكم مبارك من عائلتنا إلى عائلتكم",
            "رمضان مبارك تقبل الله صيامكم",
            "صباح الخير وجمعة مباركة",
            "ان شاء الله ازورك الاسبوع القادم يا اخي",
        ),
    },
    "fr": {
        "report_attack": (
            "la police indique qu'une attaque à [P] a fait quatre morts mardi",
            "un haut responsable de [G] tué près de [P], selon des sources officielles",
            "une explosion à un barrage de [P] a blessé plusieurs civils",
            "les forces de sécurité ont repris [P] à [G] après des semaines de combats",
            # 2.2.0: appended, so the rotation keeps every earlier frame in its split.
            "le ministère confirme la mort d'un commandant de [G] dans une frappe près de [P]",
            "une frappe de drone tue deux cadres de [G] près de [P], selon des responsables",
            "l'armée annonce avoir repris [P] après des combats avec [G]",
            "frappes de la coalition sur des positions de [G] autour de [P]",
            "urgent : une voiture piégée fait cinq morts à un barrage de [P]",
            "des combattants de [G] s'emparent de deux villages près de [P], selon des habitants",
            "un kamikaze tue onze personnes sur un marché de [P], selon la police",
            "bilan en hausse après l'attaque de [P], selon des sources sécuritaires",
        ),
        "attribute_claim": (
            "[G] a revendiqué l'attaque de [P] via son agence, une revendication non vérifiée",
            "un communiqué attribué à [G] affirme que ses combattants ont mené le raid",
            "des analystes doutent de la revendication de [G] sur l'attentat de [P]",
            "selon des observateurs, [G] a revendiqué l'attentat",
        ),
        "condemn": (
            "nous condamnons avec la plus grande fermeté l'attaque lâche de [G] à [P]",
            "rien ne justifie la violence de [G]",
            "[G] ne parle pas au nom des musulmans",
            "les imams de [P] dénoncent les crimes de [G]",
        ),
        "quote_rebut": (
            "[G] appelle ses attaques des victoires, mais les victimes de [P] étaient des enfants",
            "[G] prétend protéger les musulmans alors qu'il les tue à [P]",
            "on lui promettait le paradis, [N] raconte comment [G] lui a menti",
            "« faites la hijra » dit l'affiche de [G], voici ce que disent les familles",
        ),
        "research": (
            "nouvel article : comment [G] a utilisé les messageries pour sa propagande, par [N]",
            "un rapport montre que les contenus de [G] ont diminué de moitié",
            "séminaire sur les réseaux de recrutement de [G] avec [N] jeudi",
            "[N] étudie le déclin des médias de [G] après 2017",
        ),
        "remember_victims": (
            "aujourd'hui nous pensons aux victimes de l'attentat de [P]",
            "cinq ans après l'attaque de [G] à [P], nos pensées vont aux familles",
            "un mémorial pour les victimes de [P] a été inauguré ce matin",
            "nous n'oublierons jamais ceux que [G] nous a pris à [P]",
        ),
        "satire": (
            "[G] annonce un nouveau califat dans un groupe de discussion de trois personnes",
            "urgent : le bureau médiatique de [G] ne retrouve pas le mot de passe du wifi",
            "le porte-parole de [G] publie son dixième dernier communiqué de la semaine",
            "le recruteur de [G] aperçu en train de se disputer avec un distributeur à [P]",
        ),
        "counter_messaging": (
            "#PasEnMonNom : les jeunes de [P] s'expriment contre [G]",
            "quitter [G] a été la meilleure décision de ma vie, dit [N]",
            "si quelqu'un en ligne vous invite à rejoindre [G], parlez-en à un proche",
            "[N] anime des ateliers à [P] pour aider les ados à résister aux recruteurs de [G]",
        ),
        # Ordinary religious life: the pro-IS accounts' greetings and prayers taught 2.0.0 that
        # "JazakAllah khair" is propaganda. Bland everyday expressions of faith must never be flagged.
        "everyday_faith": (
            "qu'Allah te récompense mon frère, à vendredi à la mosquée",
            "Aïd Moubarak à tous à [P], profitez de vos familles",
            "qu'Allah vous bénisse toi et ta famille",
            "Alhamdoulillah, l'examen s'est bien passé",
            "Bismillah, premier jour dans mon nouveau travail",
            "wa alaykoum salam ma sœur, j'espère que tu vas bien",
            "Ramadan Moubarak ! ftour chez [N] ce soir",
            "inchallah on se voit après la prière du vendredi",
            "SubhanAllah, quel beau coucher de soleil sur [P]",
            "amine, qu'Allah te guérisse",
            "la nouvelle mosquée de [P] ouvre ses portes aux voisins samedi",
            "barakAllahou fik pour l'aide avec le déménagement",
            # 2.2.0: appended, so the rotation keeps every earlier frame in its split.
            "salam aleykoum à tous, jumu'a moubarak",
            "qu'Allah vous récompense pour ce bel iftar",
            "qu'Allah te récompense pour ta gentillesse",
            "machallah, félicitations pour le bébé !",
            "wa iyyak mon frère, quand tu veux",
            "ya Allah, guéris ma mère",
            "hamdoulillah pour cette nouvelle journée",
            "des douas pour mon grand-père s'il vous plaît, il est à l'hôpital",
            "Aïd Moubarak de notre famille à la vôtre",
            "Ramadan Moubarak, qu'Allah accepte vos jeûnes",
            "lecture de la sourate al-Kahf ce vendredi, bismillah",
            "inchallah je passe te voir la semaine prochaine mon frère",
        ),
    },
}

THREAT_FUNCTIONS = ("direct", "conditional", "normative", "named_person", "platform_staff")
NOT_THREAT_FUNCTIONS = ("sport", "games", "idiom", "news_of_violence", "counter_speech")

# [T] is a target: people for most functions; [N] a named person; [S] platform staff.
_THREAT: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "direct": (
            "I am going to kill you and your whole family",
            "we will find you and beat you until you stop breathing",
            "I will burn your house down with you inside",
            "you will die by my hands, I promise",
            "I'm going to stab you the next time I see you",
            "I want to end every one of you",
            "I am going to hunt you down and make you pay",
            "we are coming to [P] tonight to finish you",
            "I will put you in the ground, that is a promise",
            "you are dead the moment you step outside",
            "I will wipe out every last one of those people in [P]",
            "your family will not see you alive again after tonight",
        ),
        "conditional": (
            "if you post that again I will break your neck",
            "say one more word and I will shoot you",
            "if you come to [P] tomorrow you will not leave alive",
            "keep talking and you will end up in a hospital bed",
            "if he testifies, we will kill him",
            "one more post like that and you are dead",
            "show your face here again and we will end you",
            "if they open that shop we will burn it with them in it",
        ),
        "normative": (
            "people like you should be hanged in the square",
            "someone needs to put a bullet in that man",
            "they all deserve to be shot",
            "that traitor should be beaten to death",
            "these people should be burned alive",
            "I would love to see all of them suffer",
            "those people deserve a bullet each",
            "the people of [P] should all be lined up and shot",
            "somebody should get rid of them for good",
            "the world would be better if they were all dead",
            "every one of them should be strung up",
            "I hope someone burns [N]'s home with her inside",
        ),
        "named_person": (
            "[N] will be dead by friday, I will make sure of it",
            "I know where [N] lives and I am going to hurt her",
            "[N] should be executed for what she wrote",
            "somebody go and stab [N] already",
            "[N] you are going to bleed for this",
        ),
        "platform_staff": (
            "ban me again and I will come and shoot [S]",
            "[S] will pay with their lives for this ban",
            "I am going to blow up the office of [S]",
            "[S] deserve to be hunted down and killed",
            "I know where [S] work and I am bringing a gun",
        ),
    },
    "ar": {
        "direct": (
            "سأقتلك أنت وعائلتك",
            "سنجدك ونضربك حتى تموت",
            "سأحرق بيتك وأنت فيه",
            "ستموت على يدي أعدك بذلك",
            "والله لاقتلك بيدي",
            "انا ناوي اقتلكم واحد واحد",
            "بدي اذبحك انت وكل عيلتك",
            "سنلاحقكم في [P] حتى نقتلكم جميعا",
            "انا حقتلك بكرة",
            "سأجعلك تنزف حتى الموت",
            "عاوز اشوفك ميت النهارده",
            "سوف أحرق بيوتكم عليكم",
        ),
        "conditional": (
            "إذا نشرت هذا مرة أخرى سأكسر رقبتك",
            "كلمة واحدة أخرى وسأطلق عليك النار",
            "إذا جئت إلى [P] غدا فلن تخرج حيا",
            "إذا شهد ضدنا سنقتله",
            "لو شفتك تاني هقتلك",
            "لو فتحت بقك تاني هكسر راسك",
            "إن عدت إلى [P] فلن تخرج منها حيا",
        ),
        "normative": (
            "أمثالك يجب أن يشنقوا في الساحة",
            "هؤلاء يستحقون الذبح",
            "هذا الخائن يجب أن يضرب حتى الموت",
            "يجب أن يحرقوا جميعا",
            "لازم نخلص من [N] ومن معه",
            "دول يستاهلوا الموت",
            "نفسي اشوفهم بيتعذبوا",
            "المفروض يتقتلوا واحد واحد",
            "يجب إبادتهم عن بكرة أبيهم",
            "هؤلاء لا يستحقون إلا الذبح",
            "لازم يتحرقوا كلهم",
            "يجب أن يعدم أهل [P] جميعا في الساحة",
        ),
        "named_person": (
            "[N] سيموت قبل الجمعة وأنا سأتكفل بذلك",
            "أعرف أين يسكن [N] وسأؤذيه",
            "[N] يجب أن يعدم بسبب ما كتب",
            "يا [N] ستدفع دمك ثمنا لهذا",
        ),
        "platform_staff": (
            "احظروني مرة أخرى وسأطلق النار على [S]",
            "[S] سيدفعون حياتهم ثمنا لهذا الحظر",
            "سأفجر مكتب [S]",
            "[S] يستحقون أن يلاحقوا ويقتلوا",
        ),
    },
    "fr": {
        "direct": (
            "je vais te tuer toi et toute ta famille",
            "on va te retrouver et te frapper jusqu'à ce que tu ne respires plus",
            "je vais brûler ta maison avec toi dedans",
            "tu vas mourir de mes mains, je te le promets",
            "je veux tous vous tuer",
            "je vais vous traquer un par un à [P]",
            "je vais te faire la peau",
            "on va tous vous crever",
            "je te jure que tu vas mourir ce soir",
            "je vais les exterminer jusqu'au dernier",
            "je viendrai chez toi avec un couteau",
            "ta famille ne te reverra pas vivant",
        ),
        "conditional": (
            "si tu publies encore ça je te brise la nuque",
            "encore un mot et je te tire dessus",
            "si tu viens à [P] demain tu n'en repartiras pas vivant",
            "s'il témoigne, on le tue",
            "encore un message et tu es mort",
            "si tu reviens ici on te descend",
            "s'ils ouvrent ce local on le brûle avec eux dedans",
        ),
        "normative": (
            "les gens comme toi devraient être pendus sur la place",
            "quelqu'un devrait mettre une balle dans la tête de cet homme",
            "ils méritent tous d'être abattus",
            "ce traître devrait être battu à mort",
            "il faudrait fusiller tous les gens de [P]",
            "ils méritent une balle chacun",
            "[N] et ses amis devraient être égorgés",
            "j'aimerais les voir souffrir",
            "on devrait tous les pendre",
            "il faut s'en débarrasser une bonne fois pour toutes",
            "qu'ils crèvent tous",
            "ils devraient tous brûler",
        ),
        "named_person": (
            "[N] sera mort avant vendredi, j'y veillerai",
            "je sais où habite [N] et je vais lui faire du mal",
            "[N] devrait être exécuté pour ce qu'il a écrit",
            "[N] tu vas saigner pour ça",
        ),
        "platform_staff": (
            "bannissez-moi encore et je viens tirer sur [S]",
            "[S] vont payer de leur vie pour ce bannissement",
            "je vais faire sauter les bureaux de [S]",
            "[S] méritent d'être traqués et tués",
        ),
    },
}

_NOT_THREAT: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "sport": (
            "we are going to kill them in the second half",
            "our striker murdered their defence tonight",
            "[P] will destroy us if we play like that again",
            "the boxer knocked him out cold in round two",
            "they absolutely slaughtered us on the scoreboard",
        ),
        "games": (
            "I killed the final boss with one shot",
            "headshot! the sniper got the whole squad in one round",
            "burn the village in chapter three to unlock the castle",
            "my character died twice in the dungeon before I beat it",
            "we will blow up their base at the start of the next match",
        ),
        "idiom": (
            "this deadline is killing me",
            "my mum will murder me if I am late again",
            "I could kill for a coffee right now",
            "that joke totally killed at the party",
            "I'm dying to see the new film",
            "my feet are killing me after that walk",
            "I'd kill to have her voice",
        ),
        "news_of_violence": (
            "a man was stabbed outside a bar in [P] last night, police say",
            "the suspect shot two people before being arrested",
            "court hears how the victim was beaten to death in [P]",
            "[N] was attacked on her way home and is in hospital",
            "a gunman opened fire at a shopping centre in [P]",
            "police arrested a man who threatened to kill his neighbours",
            "the attacker who killed three people in [P] was sentenced today",
        ),
        "counter_speech": (
            "saying 'I will kill you' to anyone online is never ok",
            "he wrote that [N] should be shot, and I reported it to the police",
            "threats like 'we will burn your house' have no place here",
            "[N] received messages saying she deserved to die, this has to stop",
            "stop telling people they should be hanged, it is vile",
            "posting that [N] deserves a bullet is a crime, not an opinion",
            "[N] got a message saying he would hunt her down, and she went to the police",
            "comments like 'people in [P] should all be shot' get reported, every time",
            "I am tired of reading threats that [N] will be killed for what she wrote",
            "quoting what he wrote: 'you will die tonight'. this is why we need moderation",
            "the court heard the defendant wrote that he would burn [N]'s house down",
            "telling [N] you will kill her is not a joke, it is a threat",
        ),
    },
    "ar": {
        "sport": (
            "سنسحقهم في الشوط الثاني",
            "مهاجمنا ذبح دفاعهم الليلة",
            "الملاكم أسقطه بالضربة القاضية في الجولة الثانية",
            "فريق [P] دمرنا في النتيجة",
        ),
        "games": (
            "قتلت الزعيم الأخير بطلقة واحدة",
            "القناص قضى على الفريق كله في جولة واحدة",
            "احرق القرية في الفصل الثالث لتفتح القلعة",
            "مات بطلي مرتين في الزنزانة قبل أن أفوز",
        ),
        "idiom": (
            "هذا الموعد النهائي يقتلني",
            "أمي ستقتلني إذا تأخرت مرة أخرى",
            "أموت من الضحك على هذا الفيديو",
            "أموت وأشرب قهوة الآن",
            "الحر ده هيموتني",
            "انا ميت من الجوع",
        ),
        "news_of_violence": (
            "طعن رجل أمام مقهى في [P] الليلة الماضية بحسب الشرطة",
            "المشتبه به أطلق النار على شخصين قبل اعتقاله",
            "المحكمة تستمع إلى تفاصيل مقتل الضحية في [P]",
            "تعرض [N] لاعتداء في طريقه إلى البيت وهو في المستشفى",
            "الشرطة تعتقل رجلا هدد بقتل جيرانه",
            "الحكم بالسجن على منفذ هجوم [P]",
        ),
        "counter_speech": (
            "قول سأقتلك لأي شخص على الإنترنت غير مقبول أبدا",
            "كتب أن [N] يجب أن يقتل فأبلغت الشرطة",
            "تهديدات مثل سنحرق بيتك لا مكان لها هنا",
            "وصلت [N] رسائل تقول إنها تستحق الموت ويجب أن يتوقف هذا",
            "كتب أحدهم أن [N] يستحق الموت فأبلغنا عنه",
            "اللي بيقول لازم نقتلهم ده مجرم ولازم يتحاسب",
            "رسائل التهديد بالقتل التي وصلت [N] جريمة",
            "لو قلت انك عاوز تقتل حد فانت محتاج مساعدة",
            "تعليقات مثل يجب ذبح أهل [P] لا مكان لها هنا",
            "قال إنه سيحرق بيت [N] فاتصلنا بالشرطة",
            "الكلام عن قتل الناس مش هزار",
            "نرفض أي دعوة للقتل مهما كان السبب",
        ),
    },
    "fr": {
        "sport": (
            "on va les tuer en deuxième mi-temps",
            "notre attaquant a massacré leur défense ce soir",
            "le boxeur l'a mis KO au deuxième round",
            "[P] nous a détruits au score",
        ),
        "games": (
            "j'ai tué le boss final d'un seul tir",
            "le sniper a éliminé toute l'équipe en une manche",
            "brûle le village au chapitre trois pour ouvrir le château",
            "mon perso est mort deux fois dans le donjon",
        ),
        "idiom": (
            "cette échéance me tue",
            "ma mère va me tuer si je suis encore en retard",
            "je meurs d'envie de voir ce film",
            "je tuerais pour un café maintenant",
            "ces chaussures me tuent les pieds",
            "je suis mort de fatigue",
        ),
        "news_of_violence": (
            "un homme a été poignardé devant un bar à [P] hier soir selon la police",
            "le suspect a tiré sur deux personnes avant d'être arrêté",
            "le tribunal entend comment la victime a été battue à mort à [P]",
            "[N] a été agressée en rentrant chez elle et est à l'hôpital",
            "la police a arrêté un homme qui menaçait de tuer ses voisins",
            "l'auteur de l'attaque de [P] condamné aujourd'hui",
        ),
        "counter_speech": (
            "dire « je vais te tuer » à quelqu'un en ligne n'est jamais acceptable",
            "il a écrit que [N] devrait être abattu, je l'ai signalé à la police",
            "les menaces comme « on va brûler ta maison » n'ont pas leur place ici",
            "[N] a reçu des messages disant qu'elle méritait de mourir, ça doit cesser",
            "écrire que [N] mérite une balle est un délit",
            "[N] a reçu un message disant qu'il allait la tuer, elle a porté plainte",
            "les commentaires du type « il faut pendre les gens de [P] » seront signalés",
            "dire à quelqu'un qu'il va mourir n'est pas une blague",
            "il a écrit qu'il voulait tous les tuer, la plateforme doit agir",
            "je ne tolère pas les menaces de mort sur mon fil",
            "le tribunal a entendu qu'il avait menacé de brûler la maison de [N]",
            "appeler à tuer qui que ce soit est inacceptable",
        ),
    },
}


@dataclass(frozen=True, slots=True)
class FunctionalCase:
    text: str
    label: int
    task: str
    function: str
    template: str
    lang: str


def template_split(template: str) -> str:
    """The split of a template: the rotation within its (task, language, function) list puts the
    first frame in test, the second in calibration, the rest in training, so every function of
    every language is measured on frames the model never saw."""
    index = int(template.rsplit("-", 1)[1])
    return {0: "test", 1: "calib"}.get(index % 4, "train")


def _fill(frame: str, lang: str, i: int) -> str:
    groups, places, people, staff = GROUPS[lang], PLACES[lang], PEOPLE[lang], STAFF[lang]
    return (
        frame.replace("[G]", groups[i % len(groups)])
        .replace("[P]", places[i % len(places)])
        .replace("[N]", people[i % len(people)])
        .replace("[S]", staff[i % len(staff)])
    )


def _expand(task: str, table: dict[str, dict[str, tuple[str, ...]]], label: int) -> list[FunctionalCase]:
    out = []
    for lang, functions in table.items():
        for function, frames in functions.items():
            for t, frame in enumerate(frames):
                template = f"{task}-{lang}-{function}-{t}"
                # Every group, and a rotation of the other slots, so one frame gives several cases.
                width = max(len(GROUPS[lang]), len(PEOPLE[lang])) if "[" in frame else 1
                seen = set()
                for i in range(width):
                    text = _fill(frame, lang, i + _offset(template))
                    if text not in seen:
                        seen.add(text)
                        out.append(FunctionalCase(text, label, task, function, template, lang))
    return out


def _offset(template: str) -> int:
    return hashlib.sha256(template.encode()).digest()[0]


def propaganda_cases() -> list[FunctionalCase]:
    return _expand("propaganda", _PROPAGANDA, 1) + _expand("propaganda", _NOT_PROPAGANDA, 0)


def threat_cases() -> list[FunctionalCase]:
    return _expand("threat", _THREAT, 1) + _expand("threat", _NOT_THREAT, 0)
