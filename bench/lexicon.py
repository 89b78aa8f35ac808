"""The words and names the synthetic news corpus (`bench/corpus.py`) is made of.

Fixed lists, not the gazetteer packages, so the corpus stays byte-identical whatever their
versions. Every city was checked to resolve, through
`newsbeam.transforms.extract.geo.Gazetteer`, to the
country it is paired with; no person's name is a place in the gazetteer (so the NER, not a
gazetteer accident, decides what a name is). Great Britain and Greece are left out because
the installed country_converter maps them to no UN region (region `unknown`).
"""

from __future__ import annotations

__all__ = [
    "ADJECTIVES",
    "FIRST_NAMES",
    "LAST_NAMES",
    "NOUNS",
    "ORGANISATIONS",
    "OUTLETS",
    "PLACES",
    "ROLES",
    "SYNDICATORS",
    "VERBS",
]

# (city, country): 125 cities in 19 UN M49 sub-regions.
PLACES: tuple[tuple[str, str], ...] = (
    ("Lyon", "France"),
    ("Marseille", "France"),
    ("Munich", "Germany"),
    ("Hamburg", "Germany"),
    ("Rotterdam", "Netherlands"),
    ("Antwerp", "Belgium"),
    ("Geneva", "Switzerland"),
    ("Vienna", "Austria"),
    ("Stockholm", "Sweden"),
    ("Oslo", "Norway"),
    ("Copenhagen", "Denmark"),
    ("Helsinki", "Finland"),
    ("Dublin", "Ireland"),
    ("Milan", "Italy"),
    ("Naples", "Italy"),
    ("Barcelona", "Spain"),
    ("Sevilla", "Spain"),
    ("Lisbon", "Portugal"),
    ("Warsaw", "Poland"),
    ("Kraków", "Poland"),
    ("Gdańsk", "Poland"),
    ("Kyiv", "Ukraine"),
    ("Lviv", "Ukraine"),
    ("Kharkiv", "Ukraine"),
    ("Bucharest", "Romania"),
    ("Budapest", "Hungary"),
    ("Prague", "Czechia"),
    ("Nairobi", "Kenya"),
    ("Mombasa", "Kenya"),
    ("Addis Ababa", "Ethiopia"),
    ("Kampala", "Uganda"),
    ("Dar es Salaam", "Tanzania"),
    ("Kigali", "Rwanda"),
    ("Lilongwe", "Malawi"),
    ("Harare", "Zimbabwe"),
    ("Lusaka", "Zambia"),
    ("Lagos", "Nigeria"),
    ("Abuja", "Nigeria"),
    ("Kano", "Nigeria"),
    ("Accra", "Ghana"),
    ("Kumasi", "Ghana"),
    ("Dakar", "Senegal"),
    ("Bamako", "Mali"),
    ("Johannesburg", "South Africa"),
    ("Durban", "South Africa"),
    ("Gaborone", "Botswana"),
    ("Windhoek", "Namibia"),
    ("Cairo", "Egypt"),
    ("Alexandria", "Egypt"),
    ("Casablanca", "Morocco"),
    ("Tangier", "Morocco"),
    ("Tunis", "Tunisia"),
    ("Algiers", "Algeria"),
    ("Istanbul", "Turkey"),
    ("Ankara", "Turkey"),
    ("Riyadh", "Saudi Arabia"),
    ("Jeddah", "Saudi Arabia"),
    ("Dubai", "United Arab Emirates"),
    ("Doha", "Qatar"),
    ("Baghdad", "Iraq"),
    ("Mosul", "Iraq"),
    ("Baku", "Azerbaijan"),
    ("Yerevan", "Armenia"),
    ("Beirut", "Lebanon"),
    ("Mumbai", "India"),
    ("Chennai", "India"),
    ("Kolkata", "India"),
    ("Pune", "India"),
    ("Karachi", "Pakistan"),
    ("Lahore", "Pakistan"),
    ("Peshawar", "Pakistan"),
    ("Dhaka", "Bangladesh"),
    ("Colombo", "Sri Lanka"),
    ("Kathmandu", "Nepal"),
    ("Jakarta", "Indonesia"),
    ("Surabaya", "Indonesia"),
    ("Manila", "Philippines"),
    ("Hanoi", "Vietnam"),
    ("Da Nang", "Vietnam"),
    ("Bangkok", "Thailand"),
    ("Kuala Lumpur", "Malaysia"),
    ("Osaka", "Japan"),
    ("Sapporo", "Japan"),
    ("Seoul", "South Korea"),
    ("Busan", "South Korea"),
    ("Shanghai", "China"),
    ("Guangzhou", "China"),
    ("Chengdu", "China"),
    ("Ulaanbaatar", "Mongolia"),
    ("Almaty", "Kazakhstan"),
    ("Tashkent", "Uzbekistan"),
    ("Bishkek", "Kyrgyzstan"),
    ("Bogotá", "Colombia"),
    ("Medellín", "Colombia"),
    ("Recife", "Brazil"),
    ("Curitiba", "Brazil"),
    ("Belo Horizonte", "Brazil"),
    ("Buenos Aires", "Argentina"),
    ("Rosario", "Argentina"),
    ("Lima", "Peru"),
    ("Santiago", "Chile"),
    ("Quito", "Ecuador"),
    ("Guadalajara", "Mexico"),
    ("Monterrey", "Mexico"),
    ("Tijuana", "Mexico"),
    ("Guatemala City", "Guatemala"),
    ("Tegucigalpa", "Honduras"),
    ("Managua", "Nicaragua"),
    ("Panama City", "Panama"),
    ("Toronto", "Canada"),
    ("Vancouver", "Canada"),
    ("Calgary", "Canada"),
    ("Chicago", "United States"),
    ("Houston", "United States"),
    ("Seattle", "United States"),
    ("Sydney", "Australia"),
    ("Melbourne", "Australia"),
    ("Brisbane", "Australia"),
    ("Auckland", "New Zealand"),
    ("Wellington", "New Zealand"),
    ("Santo Domingo", "Dominican Republic"),
    ("Havana", "Cuba"),
    ("Port-au-Prince", "Haiti"),
    ("Port Moresby", "Papua New Guinea"),
    ("Suva", "Fiji"),
)

FIRST_NAMES: tuple[str, ...] = tuple(
    """
    Ana Andrei Aisha Bongani Carlos Chen Chiara Daniel Darius Elena Emeka Fatima Farid Grace
    Hannah Hiroshi Ibrahim Ingrid Ivan Jamal Javier Jin Joao Kareem Kofi Laila Lars Lucia
    Mariam Marta Mateo Mehmet Mei Miguel Nadia Naledi Nikolai Noor Olga Omar Pablo Priya
    Rafael Rania Ravi Rosa Sami Sara Sergei Sipho Tariq Thomas Tomasz Valentina Wanjiru
    Yasmin Yusuf Zainab Amina Kwame Leila Anika Pedro Samuel Agnieszka Beatriz Dmitri Esther
    Gabriel Julia Kenji Lina Magnus Nuria Oksana Paolo Rashid Salma Tunde
    """.split()
)

LAST_NAMES: tuple[str, ...] = tuple(
    """
    Okafor Mensah Haddad Kowalski Lindqvist Moreau Fernandes Castillo Petrova Sato Okonkwo
    Mwangi Achieng Dlamini Nkosi Boateng Diallo Traore Kamara Haile Tesfaye Abebe Farouk
    Mansour Khalil Aziz Rahimi Karimi Sharma Iyer Banerjee Chaudhry Qureshi Hossain Perera
    Wijeratne Santoso Wibowo Reyes Tran Pham Suzuki Tanaka Watanabe Park Choi Zhou Huang
    Erdogan Yilmaz Demir Novak Horvat Popescu Ionescu Kovacs Nowak Wisniewski Bondarenko
    Ivanova Larsen Hansen Johansson Virtanen Korhonen Moretti Ricci Esposito Romano Garcia
    Gonzalez Alvarez Ramirez Vargas Ortega Silva Costa Almeida Carvalho Schneider Fischer
    Weber Becker Hoffmann Dubois Lefebvre Laurent Bernard Kelly Byrne Mukherjee Adeyemi
    Balogun Nwosu Otieno Kariuki Mutasa Sithole
    """.split()
)

ROLES: tuple[str, ...] = (
    "spokesperson",
    "finance minister",
    "health minister",
    "chief executive",
    "mayor",
    "governor",
    "chief economist",
    "director",
    "senior analyst",
    "professor of economics",
    "police chief",
    "deputy minister",
    "union leader",
    "opposition leader",
    "regional commissioner",
    "head of operations",
    "researcher",
    "board chair",
)

ORGANISATIONS: tuple[str, ...] = (
    "the World Bank",
    "the International Monetary Fund",
    "the Red Cross",
    "the United Nations",
    "the World Health Organization",
    "the European Commission",
    "the African Union",
    "Amnesty International",
    "the central bank",
    "the finance ministry",
    "the health ministry",
    "the electoral commission",
    "the port authority",
    "the national statistics office",
    "the chamber of commerce",
    "the teachers' union",
    "Harbour Logistics",
    "Meridian Energy Group",
    "Northgate Capital",
    "Solace Pharmaceuticals",
    "Atlas Rail",
    "Cobalt Mining Corporation",
    "Blue River Foods",
    "Keystone Telecom",
    "the Institute for Fiscal Studies",
    "the Global Water Partnership",
)

# Outlets (name, domain): originals come from OUTLETS, syndicated copies from SYNDICATORS.
OUTLETS: tuple[tuple[str, str], ...] = (
    ("Harbour Times", "harbourtimes.example"),
    ("The Daily Ledger", "dailyledger.example"),
    ("Continental Post", "continentalpost.example"),
    ("Metro Chronicle", "metrochronicle.example"),
    ("The Evening Standard Bearer", "standardbearer.example"),
    ("Northern Dispatch", "northerndispatch.example"),
    ("Coastal Herald", "coastalherald.example"),
    ("The Observer Review", "observerreview.example"),
    ("Capital Gazette Online", "capitalgazette.example"),
    ("Frontier News", "frontiernews.example"),
)
SYNDICATORS: tuple[tuple[str, str], ...] = (
    ("Wire Digest", "wiredigest.example"),
    ("NewsPool", "newspool.example"),
    ("Syndicate Daily", "syndicatedaily.example"),
    ("Regional Roundup", "regionalroundup.example"),
)

NOUNS: tuple[str, ...] = tuple(
    """
    government council budget election project road bridge port harbour market price rate
    wage strike worker farmer harvest drought flood storm fire hospital clinic school teacher
    student court judge lawyer police officer soldier border refugee camp aid convoy shipment
    export import tariff deal agreement treaty summit meeting talk vote parliament minister
    president committee report study survey poll figure forecast growth recession debt loan
    bond currency bank investor company factory plant mine oil gas pipeline grid power
    electricity outage shortage supply demand fuel diesel fertiliser crop wheat rice maize
    coffee cocoa fishery fleet airport flight airline train railway station bus ticket fare
    housing rent tenant landlord mortgage building tower district neighbourhood village town
    province region coast river dam reservoir water well sanitation vaccine disease outbreak
    patient doctor nurse ward ambulance emergency rescue volunteer charity donor fund grant
    scheme programme policy law bill reform tax subsidy pension benefit salary contract
    tender bid auction licence permit inspection audit investigation inquiry scandal
    protest rally march crowd demonstrator curfew checkpoint ceasefire truce offensive
    attack explosion blast casualty victim witness survivor family child community resident
    neighbour official adviser expert economist analyst scientist engineer architect
    developer startup platform network app data system software satellite rocket launch
    mission festival concert museum exhibition stadium match tournament season league club
    coach player fan record result score title medal athlete runner marathon
    estimate target deadline timetable schedule delay backlog queue capacity shift
    warehouse container cargo vessel tanker crane dock terminal corridor highway junction
    """.split()
)

ADJECTIVES: tuple[str, ...] = tuple(
    """
    new old large small major minor local national regional international foreign domestic
    public private rural urban coastal northern southern eastern western central remote
    busy quiet crowded empty heavy light sharp steady gradual sudden rapid slow early late
    annual monthly weekly daily recent previous current former future initial final key
    main critical crucial serious severe mild modest strong weak fragile stable
    volatile uncertain clear unclear formal informal official unofficial temporary permanent
    emergency interim partial full limited widespread isolated rare common frequent
    unusual ambitious controversial popular unpopular costly cheap expensive affordable
    independent joint bilateral multilateral federal municipal provincial rival senior junior
    long-term short-term fresh lengthy brief broad narrow deep shallow dry wet hot cold
    record historic modern ageing digital electric renewable green industrial commercial
    agricultural financial economic political military humanitarian medical legal technical
    """.split()
)

# (base, past, past participle)
VERBS: tuple[tuple[str, str, str], ...] = tuple(
    tuple(entry.split("/"))  # type: ignore[misc]
    for entry in """
    announce/announced/announced approve/approved/approved reject/rejected/rejected
    delay/delayed/delayed cut/cut/cut raise/raised/raised lower/lowered/lowered
    expand/expanded/expanded reduce/reduced/reduced suspend/suspended/suspended
    resume/resumed/resumed launch/launched/launched complete/completed/completed
    open/opened/opened close/closed/closed build/built/built repair/repaired/repaired
    inspect/inspected/inspected review/reviewed/reviewed extend/extended/extended
    sign/signed/signed cancel/cancelled/cancelled postpone/postponed/postponed
    restore/restored/restored protect/protected/protected support/supported/supported
    oppose/opposed/opposed criticise/criticised/criticised defend/defended/defended
    warn/warned/warned promise/promised/promised deliver/delivered/delivered
    fund/funded/funded finance/financed/financed double/doubled/doubled halve/halved/halved
    increase/increased/increased decrease/decreased/decreased hire/hired/hired
    dismiss/dismissed/dismissed arrest/arrested/arrested release/released/released
    evacuate/evacuated/evacuated rebuild/rebuilt/rebuilt replace/replaced/replaced
    upgrade/upgraded/upgraded sell/sold/sold buy/bought/bought win/won/won lose/lost/lost
    seize/seized/seized block/blocked/blocked clear/cleared/cleared reopen/reopened/reopened
    question/questioned/questioned investigate/investigated/investigated
    propose/proposed/proposed adopt/adopted/adopted ban/banned/banned allow/allowed/allowed
    limit/limited/limited freeze/froze/frozen ship/shipped/shipped export/exported/exported
    import/imported/imported test/tested/tested vaccinate/vaccinated/vaccinated
    treat/treated/treated train/trained/trained recruit/recruited/recruited
    negotiate/negotiated/negotiated challenge/challenged/challenged welcome/welcomed/welcomed
    publish/published/published track/tracked/tracked measure/measured/measured
    """.split()
)
