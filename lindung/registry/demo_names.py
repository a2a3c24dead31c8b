"""Plain data for the synthetic register (demo.py): names, birth places, occupations, address parts.

Lists of given names as people in Kabupaten Bekasi are named: Sundanese, Betawi, Javanese, and the
Arabic-derived names all of them use; "modern" names are the ones common among people born from the
1990s on. Most Indonesians have no family name; the "second" lists hold the words commonly found second
in a name (Asep Saepudin, Sri Wahyuni, Rizky Pratama).
"""

# --- given names, by sex ("L" man, "P" woman) and naming tradition ------------------------------------

GIVEN = {
    ("L", "sunda"): (
        "Asep", "Ujang", "Dede", "Cecep", "Yayan", "Dadang", "Dadan", "Deden", "Aep", "Endang", "Encep",
        "Ade", "Agus", "Ayi", "Engkos", "Iwan", "Jajang", "Odih", "Oman", "Otong", "Ohan", "Iyan", "Wawan",
        "Yana", "Yudi", "Usep", "Ukun", "Uus", "Engkus", "Didin", "Dodi", "Ikin", "Nandang", "Nanang",
        "Dudung", "Oding", "Tatang", "Enjang", "Kurnia", "Rudi", "Hendra", "Ajat", "Atang", "Aceng", "Uju",
        "Eman", "Udin", "Maman", "Komar", "Entis", "Apip", "Dayat", "Ence", "Emid", "Ujat", "Dindin",
        "Ucup", "Kusnadi", "Tarya", "Karta", "Sukanda", "Wahyu", "Endi", "Ilyas", "Opik", "Ruhyat",
    ),
    ("P", "sunda"): (
        "Euis", "Neneng", "Iis", "Entin", "Ela", "Eni", "Eti", "Imas", "Ikah", "Ai", "Aas", "Yati", "Yeni",
        "Tati", "Tini", "Nining", "Nani", "Titin", "Lilis", "Elis", "Enung", "Ida", "Iyah", "Nunung", "Dedeh",
        "Popon", "Onah", "Eha", "Icih", "Enah", "Edah", "Rina", "Yuyun", "Wati", "Mimin", "Cicih", "Kokom",
        "Neni", "Eem", "Oom", "Aat", "Enen", "Eneng", "Cucum", "Nenah", "Tita", "Yoyoh", "Ucu", "Ani", "Ina",
        "Rohaeti", "Kuraesin", "Cicah", "Mumun", "Sukaesih",
    ),
    ("L", "betawi"): (
        "Sarmili", "Juhri", "Mamat", "Jaenudin", "Rojali", "Sanusi", "Sarmadi", "Marzuki", "Mursid", "Napih",
        "Saman", "Muhidin", "Sahroni", "Jamhari", "Rohim", "Sarkowi", "Nasir", "Jali", "Mardani", "Sapei",
        "Mahpud", "Arsyad", "Sarip", "Bahrudin", "Hasbullah", "Sanip", "Kosim", "Jupri", "Suhaemi", "Sobari",
        "Sarkim", "Jaja", "Mahmudin", "Rahmat", "Saipul", "Madih", "Udin",
        "Namin", "Sarpin", "Jamal", "Mukti", "Nurdin", "Jafar", "Rifai", "Romli", "Samsudin", "Sueb", "Armin",
    ),
    ("P", "betawi"): (
        "Maesaroh", "Rohaye", "Saripah", "Rokayah", "Saodah", "Aisah", "Romlah", "Mursiah", "Masitoh",
        "Zaenab", "Mariam", "Jubaedah", "Marhamah", "Sanah", "Yamah", "Hindun", "Munah", "Salmah", "Jamilah",
        "Supiah", "Hamidah", "Mumun", "Sarni", "Nursiah", "Mardiah", "Rohimah", "Sapuroh", "Atikah", "Mimi",
        "Nurlela", "Sumarni", "Umayah", "Juariah", "Nafsiah", "Rodiah", "Sarimah", "Kartini", "Ijah", "Odah",
    ),
    ("L", "jawa"): (
        "Sutrisno", "Slamet", "Suparman", "Sugiyanto", "Sukirman", "Suwarno", "Paijo", "Sarno", "Sumarno",
        "Warsito", "Joko", "Bambang", "Budi", "Wahyudi", "Parmin", "Tukiman", "Kasno", "Darmo", "Sukardi",
        "Sunardi", "Supri", "Sugeng", "Purwanto", "Suyatno", "Heru", "Teguh", "Wagimin", "Giman", "Tarno",
        "Kasmadi", "Karsono", "Waluyo", "Mulyono", "Priyanto", "Suroto", "Sarmin", "Karyono", "Kasimin",
        "Tarmuji", "Sukarno", "Ngadiman", "Sumadi", "Wasito", "Rasmin", "Darsono", "Kirno", "Suharto",
        "Hartono", "Gunawan", "Yanto", "Harjo", "Daryono", "Tukijo", "Saryono", "Triyono", "Sugito",
    ),
    ("P", "jawa"): (
        "Sumiati", "Sulastri", "Suwarni", "Sartini", "Sukarti", "Tumini", "Warsini", "Painem", "Sumini",
        "Kasini", "Ngatini", "Suparmi", "Wartini", "Sutini", "Darsih", "Parni", "Tarsih", "Endang", "Yuni",
        "Wahyuni", "Rini", "Sumarni", "Suyati", "Karsih", "Tarmi", "Sarinah", "Sukinah", "Paini", "Suwarti",
        "Lasmi", "Murni", "Sutinah", "Rusmini", "Katinah", "Warsiti", "Ngadinah", "Sukini", "Juminah", "Tuminah",
        "Partini", "Surtini", "Winarti", "Ponirah", "Sriyati", "Kasmini",
    ),
    ("L", "islam"): (
        "Abdullah", "Ali", "Umar", "Usman", "Hasan", "Husen", "Ismail", "Ibrahim", "Yusuf", "Ilyas", "Zainal",
        "Syarif", "Soleh", "Maulana", "Fauzi", "Rizki", "Ridwan", "Hidayat", "Hamdan", "Hasanudin", "Kholid",
        "Lukman", "Mahmud", "Mansur", "Nasrudin", "Sahrul", "Syamsudin", "Taufik", "Wahid", "Yahya",
        "Zakaria", "Ikhsan", "Arif", "Fahmi", "Hafiz", "Irfan", "Iskandar", "Jamaludin", "Kamaludin", "Sulaeman",
        "Salim", "Hamid", "Hilman", "Anwar", "Hanafi", "Idris", "Musa", "Nuh", "Yunus", "Zulkifli", "Marwan",
        "Mukhlis", "Munir", "Saepudin", "Zaenudin", "Sobirin", "Subhan", "Misbah", "Lutfi", "Badrudin",
    ),
    ("P", "islam"): (
        "Fatimah", "Aminah", "Halimah", "Khodijah", "Aisyah", "Maryam", "Zainab", "Hasanah", "Salamah",
        "Rohmah", "Hamidah", "Jamilah", "Latifah", "Maemunah", "Munawaroh", "Nafisah", "Sholihah", "Sakinah",
        "Syarifah", "Umi", "Zulaikha", "Khotimah", "Musyarofah", "Rukoyah", "Mutmainah", "Hafsah", "Asiyah",
        "Laila", "Hikmah", "Ulfah", "Azizah", "Badriyah", "Fauziah", "Habibah", "Marfuah", "Nurjanah",
        "Qomariah", "Rahmah", "Saadah", "Tohiroh", "Uswatun", "Wardah", "Yatimah", "Zubaedah", "Mahmudah",
    ),
    ("L", "modern"): (
        "Rizky", "Dimas", "Fajar", "Aditya", "Andi", "Ilham", "Rafi", "Reza", "Dani", "Fikri", "Arya", "Bayu",
        "Yoga", "Galih", "Ramdani", "Firman", "Rendi", "Rian", "Ricky", "Riko", "Deni", "Doni", "Angga", "Eki",
        "Rizal", "Faisal", "Gilang", "Jefri", "Adi", "Dicky", "Febri", "Aldi", "Farhan", "Alif", "Irwan",
        "Hendri", "Yogi", "Fahri", "Dwiki", "Akbar", "Rehan", "Rangga", "Wahyu", "Randi", "Iqbal", "Agung",
        "Aris", "Candra", "Egi", "Ferdi", "Indra", "Kevin", "Rudi", "Robi", "Sandi", "Toni", "Yudha",
    ),
    ("P", "modern"): (
        "Putri", "Nabila", "Ayu", "Dewi", "Indah", "Fitri", "Dian", "Siska", "Lina", "Novi", "Tika", "Intan",
        "Anisa", "Dinda", "Wulan", "Eka", "Desi", "Mega", "Yulia", "Rani", "Vina", "Sinta", "Rika", "Melati",
        "Nisa", "Lia", "Winda", "Resti", "Silvia", "Anggun", "Citra", "Dita", "Ratna", "Yanti", "Susi", "Lusi",
        "Erna", "Eva", "Fika", "Heni", "Irma", "Juwita", "Kiki", "Lilis", "Maya", "Nurul", "Okta", "Puji",
        "Rosa", "Santi", "Tiara", "Vivi", "Wida", "Yuli", "Zahra", "Aulia", "Salsabila",
    ),
}

# Words usually found second (or last) in a name.
SECOND = {
    ("L", "sunda"): (
        "Saepudin", "Supriatna", "Hidayat", "Sudrajat", "Permana", "Setiawan", "Nugraha", "Suherman",
        "Sukmana", "Somantri", "Mulyana", "Kusnadi", "Ruhiyat", "Jamaludin", "Hermawan", "Sopian", "Rusmana",
        "Sutisna", "Kurniawan", "Hendrayana", "Gunawan", "Suparta", "Sumarna", "Rohmana", "Suryana", "Sulaeman",
        "Ruslan", "Kosasih", "Suganda", "Taufik", "Rohendi", "Wahyudin", "Ardiansyah", "Sumpena", "Sobandi",
        "Komarudin", "Saepulloh", "Nurjaman", "Juanda", "Rukmana", "Sodikin", "Ramdani", "Firmansyah",
    ),
    ("P", "sunda"): (
        "Nurhayati", "Rohaeti", "Komalasari", "Rahayu", "Lestari", "Maryani", "Sulastri", "Setiawati",
        "Suryani", "Hayati", "Kurniasih", "Mulyani", "Yulianti", "Rosita", "Herawati", "Nuraeni", "Rohmawati",
        "Rukmini", "Sukaesih", "Kartika", "Handayani", "Wulandari", "Susilawati", "Nurjanah", "Mardiah",
        "Rohimah", "Suhartini", "Sumiati", "Kusmiati", "Nurlaela", "Apriani", "Fitriani", "Marlina",
    ),
    ("L", "jawa"): (
        "Santoso", "Susanto", "Prasetyo", "Wibowo", "Setiawan", "Nugroho", "Purnomo", "Hartono", "Saputro",
        "Wijaya", "Kuncoro", "Raharjo", "Utomo", "Haryanto", "Sulistyo", "Pamungkas", "Triyono", "Widodo",
        "Suryadi", "Hidayat", "Riyanto", "Setiyono", "Wahyudi", "Supriyadi", "Sutrisno", "Handoko", "Prabowo",
    ),
    ("P", "jawa"): (
        "Wahyuni", "Rahayu", "Lestari", "Handayani", "Astuti", "Wulandari", "Susanti", "Mulyani", "Ningsih",
        "Utami", "Purwanti", "Suryani", "Setyowati", "Widayati", "Rahmawati", "Pratiwi", "Indrawati",
        "Kusumawati", "Sulistyowati", "Haryati", "Winarsih", "Suprihatin", "Yuliani", "Sumarni", "Lestiani",
    ),
    ("L", "islam"): (
        "Sanusi", "Hasanudin", "Syamsudin", "Marzuki", "Fauzi", "Ridwan", "Hidayat", "Hakim", "Maulana",
        "Rahman", "Kholil", "Mubarok", "Ramadhan", "Nasution", "Sidik", "Zakaria", "Arifin", "Efendi",
        "Hamzah", "Ibrahim", "Ismail", "Junaedi", "Mustofa", "Nawawi", "Rosyidi", "Sholeh", "Syahroni",
    ),
    ("P", "islam"): (
        "Aminah", "Hasanah", "Rohmah", "Fitriani", "Hidayah", "Jannah", "Khasanah", "Maulida", "Mardiyah",
        "Nuraini", "Rahmawati", "Sholihah", "Zahro", "Solihat", "Mutiah", "Hamidah", "Fadilah", "Fauziah",
    ),
    ("L", "modern"): (
        "Pratama", "Saputra", "Ramadhan", "Kurniawan", "Firmansyah", "Hidayatullah", "Maulana", "Febrian",
        "Setiawan", "Nugraha", "Prasetyo", "Saputro", "Syahputra", "Alfarizi", "Permana", "Wijaya", "Kusuma",
        "Ardiansyah", "Ramadani", "Hakim", "Akbar", "Fauzan", "Irawan", "Hermawan", "Gunawan", "Septian",
        "Apriansyah", "Mahendra", "Nugroho", "Putra", "Santoso", "Wibowo", "Hidayat", "Rizaldi",
    ),
    ("P", "modern"): (
        "Lestari", "Rahmawati", "Amelia", "Oktaviani", "Safitri", "Permatasari", "Puspitasari", "Ramadhani",
        "Wulandari", "Anggraini", "Novitasari", "Kurniasih", "Nurhaliza", "Fitriani", "Pratiwi", "Agustina",
        "Maharani", "Handayani", "Septiani", "Azzahra", "Febriani", "Kartika", "Rahayu", "Utami", "Susanti",
        "Sari", "Purnamasari", "Apriliani", "Damayanti", "Kusumawardani", "Nuraini", "Yuliani",
    ),
}
# Betawi names take their second word from the Arabic-derived list.
SECOND[("L", "betawi")] = SECOND[("L", "islam")]
SECOND[("P", "betawi")] = SECOND[("P", "islam")]

# Arabic-derived first words that open a name, with how often each does; what may follow them.
ISLAMIC_PREFIX = {
    "L": {"Muhammad": 7, "Ahmad": 4, "Abdul": 1},
    "P": {"Siti": 7, "Nur": 3, "Nurul": 1},
}
AFTER_ABDUL = (
    "Rohman", "Rahman", "Gofur", "Aziz", "Majid", "Kadir", "Malik", "Hakim", "Rosyid", "Latif", "Hamid",
    "Wahab", "Somad", "Karim", "Jalil", "Rozak", "Halim", "Muis", "Basir", "Gani", "Manan", "Syukur",
    "Rasyid", "Salam", "Fatah", "Mujib", "Kohar", "Mutholib", "Hadi", "Wahid", "Rohim", "Ghofar",
)
AFTER_NUR = (
    "Hasanah", "Aini", "Halimah", "Jannah", "Azizah", "Hidayah", "Laila", "Fadilah", "Khasanah", "Aisyah",
    "Rohmah", "Afifah", "Habibah", "Kholifah", "Asiah", "Latifah", "Hayati", "Komariah", "Anisa", "Fitria",
)
# Javanese birth-order or wish words that open a name (Sri Wahyuni, Eko Prasetyo, Tri Susanto).
JAVANESE_OPENER = {
    "L": ("Eko", "Dwi", "Tri", "Joko", "Budi", "Agus", "Bambang", "Heru"),
    "P": ("Sri", "Dwi", "Tri", "Eka", "Endang", "Sri", "Sri"),
}

# Spellings that the same name is commonly registered under (Dukcapil keeps whatever was declared).
VARIANTS = {
    "Muhammad": ("Muhamad", "Mohammad", "Mohamad", "Muhamad"),
    "Ahmad": ("Achmad", "Akhmad"),
    "Siti": ("Sity", "Sitti"),
    "Yusuf": ("Yusup",),
    "Saepudin": ("Saefudin", "Syaifudin", "Saepuddin"),
    "Rohman": ("Rahman", "Rochman"),
    "Rizky": ("Rizki", "Risky", "Rizqi"),
    "Rizki": ("Rizky",),
    "Aisyah": ("Aisah", "Aisyiah"),
    "Hasanah": ("Khasanah",),
    "Fatimah": ("Patimah",),
    "Khodijah": ("Hodijah", "Kodijah", "Khadijah"),
    "Jaenudin": ("Zaenudin", "Zainudin"),
    "Zainal": ("Zaenal",),
    "Husen": ("Husein", "Husin"),
    "Soleh": ("Saleh", "Sholeh"),
    "Taufik": ("Taufiq", "Topik"),
    "Maesaroh": ("Maisaroh", "Masaroh"),
    "Komarudin": ("Qomarudin",),
    "Syamsudin": ("Samsudin", "Syamsuddin"),
    "Hasanudin": ("Hasanuddin",),
    "Nurjanah": ("Nurjannah",),
    "Mutmainah": ("Mutmainnah",),
    "Zulaikha": ("Julaeha", "Zulaeha"),
    "Rohaye": ("Rohaya",),
    "Sholihah": ("Solihah", "Salihah"),
    "Munawaroh": ("Munawwaroh",),
    "Ramadhan": ("Ramadan", "Romadhon"),
    "Saputra": ("Saputera",),
    "Ilyas": ("Iliyas",),
}

# --- birth places -------------------------------------------------------------------------------------

# The naming traditions of people born in a place, with weights.
CULTURE_MIX = {
    "bekasi": {"betawi": 45, "sunda": 38, "jawa": 17},
    "jakarta": {"betawi": 50, "jawa": 30, "sunda": 20},
    "sunda": {"sunda": 88, "jawa": 6, "betawi": 6},
    "pantura": {"jawa": 60, "sunda": 40},  # Indramayu, Cirebon: Javanese dialects on the Sundanese side
    "jawa": {"jawa": 96, "sunda": 4},
    "other": {"jawa": 45, "sunda": 30, "betawi": 25},
}

# Birth place as written on the ID card -> its naming tradition.
BIRTH_PLACE_CULTURE = {
    "Bekasi": "bekasi", "Jakarta": "jakarta", "Karawang": "sunda", "Bogor": "sunda", "Depok": "sunda",
    "Garut": "sunda", "Kuningan": "sunda", "Subang": "sunda", "Tasikmalaya": "sunda", "Cianjur": "sunda",
    "Sukabumi": "sunda", "Majalengka": "sunda", "Purwakarta": "sunda", "Bandung": "sunda", "Sumedang": "sunda",
    "Ciamis": "sunda", "Serang": "sunda", "Tangerang": "sunda", "Pandeglang": "sunda", "Lebak": "sunda",
    "Indramayu": "pantura", "Cirebon": "pantura",
    "Brebes": "jawa", "Tegal": "jawa", "Pemalang": "jawa", "Pekalongan": "jawa", "Banyumas": "jawa",
    "Cilacap": "jawa", "Kebumen": "jawa", "Purworejo": "jawa", "Wonogiri": "jawa", "Klaten": "jawa",
    "Semarang": "jawa", "Solo": "jawa", "Yogyakarta": "jawa", "Gunungkidul": "jawa", "Surabaya": "jawa",
    "Madiun": "jawa", "Kediri": "jawa", "Ngawi": "jawa", "Ponorogo": "jawa", "Malang": "jawa",
    "Lamongan": "jawa", "Demak": "jawa", "Pati": "jawa", "Grobogan": "jawa", "Lampung": "jawa",
    "Medan": "other", "Palembang": "other", "Padang": "other",
}

# Where people living in Kabupaten Bekasi were born, when not in Bekasi itself (weights).
BORN_ELSEWHERE = {
    "Jakarta": 12, "Karawang": 9, "Brebes": 7, "Indramayu": 7, "Cirebon": 5, "Garut": 5, "Tegal": 5,
    "Bogor": 5, "Kuningan": 4, "Subang": 3, "Tasikmalaya": 3, "Cianjur": 3, "Majalengka": 3, "Pemalang": 3,
    "Kebumen": 3, "Sukabumi": 2, "Purwakarta": 2, "Bandung": 2, "Banyumas": 2, "Cilacap": 2, "Wonogiri": 2,
    "Klaten": 2, "Pekalongan": 2, "Sumedang": 2, "Ciamis": 2, "Serang": 1, "Tangerang": 1, "Depok": 1,
    "Purworejo": 1, "Solo": 1, "Yogyakarta": 1, "Semarang": 1, "Grobogan": 1, "Demak": 1, "Pati": 1,
    "Lampung": 2, "Surabaya": 1, "Ngawi": 1, "Madiun": 1, "Kediri": 1, "Medan": 1, "Palembang": 1,
    "Padang": 1,
}

# Birth place of someone whose NIK was issued in a regency or city ("NN.NN") outside Kabupaten Bekasi.
BIRTH_PLACE_OF_REGENCY = {
    "32.01": "Bogor", "32.71": "Bogor", "32.76": "Depok", "32.02": "Sukabumi", "32.72": "Sukabumi",
    "32.03": "Cianjur", "32.04": "Bandung", "32.73": "Bandung", "32.17": "Bandung", "32.05": "Garut",
    "32.06": "Tasikmalaya", "32.78": "Tasikmalaya", "32.07": "Ciamis", "32.08": "Kuningan",
    "32.09": "Cirebon", "32.74": "Cirebon", "32.10": "Majalengka", "32.11": "Sumedang", "32.12": "Indramayu",
    "32.13": "Subang", "32.14": "Purwakarta", "32.15": "Karawang", "32.16": "Bekasi", "32.75": "Bekasi",
    "33.01": "Cilacap", "33.02": "Banyumas", "33.05": "Kebumen", "33.06": "Purworejo", "33.10": "Klaten",
    "33.12": "Wonogiri", "33.15": "Grobogan", "33.18": "Pati", "33.21": "Demak", "33.22": "Semarang",
    "33.74": "Semarang", "33.72": "Solo", "33.26": "Pekalongan", "33.75": "Pekalongan", "33.27": "Pemalang",
    "33.28": "Tegal", "33.76": "Tegal", "33.29": "Brebes", "34.03": "Gunungkidul", "34.71": "Yogyakarta",
    "35.02": "Ponorogo", "35.06": "Kediri", "35.71": "Kediri", "35.07": "Malang", "35.73": "Malang",
    "35.19": "Madiun", "35.77": "Madiun", "35.21": "Ngawi", "35.24": "Lamongan", "35.78": "Surabaya",
    "36.01": "Pandeglang", "36.02": "Lebak", "36.03": "Tangerang", "36.71": "Tangerang",
    "36.04": "Serang", "36.73": "Serang", "18.71": "Lampung", "12.71": "Medan", "16.71": "Palembang",
    "13.71": "Padang",
}
# Fallback by province ("NN") when the regency is not listed above.
BIRTH_PLACES_OF_PROVINCE = {
    "31": ("Jakarta",),
    "32": ("Karawang", "Garut", "Bogor", "Cianjur", "Tasikmalaya", "Subang", "Sukabumi", "Bandung"),
    "33": ("Brebes", "Tegal", "Pemalang", "Kebumen", "Banyumas", "Cilacap", "Wonogiri", "Klaten"),
    "34": ("Yogyakarta", "Gunungkidul"),
    "35": ("Surabaya", "Ngawi", "Madiun", "Kediri", "Malang", "Lamongan", "Ponorogo"),
    "36": ("Serang", "Tangerang", "Pandeglang", "Lebak"),
    "18": ("Lampung",),
    "12": ("Medan",),
    "13": ("Padang",),
    "16": ("Palembang",),
}

# --- occupations: segment -> (free text, weight, sex or None for either) --------------------------------

OCCUPATIONS = {
    "farmer": (
        ("Petani padi", 60, None), ("Petani", 20, None), ("Petani sawah", 12, None),
        ("Petani penggarap", 8, None),
    ),
    "farm_labourer": (
        ("Buruh tani", 70, None), ("Buruh tani harian", 12, None), ("Buruh tanam padi", 8, "P"),
        ("Buruh panen", 10, None),
    ),
    "fisher": (
        ("Nelayan", 60, None), ("Nelayan tradisional", 15, None), ("Buruh nelayan", 10, None),
        ("Petambak", 8, None), ("Pembudidaya ikan", 7, None),
    ),
    "street_vendor": (
        ("Pedagang keliling", 30, None), ("Pedagang kaki lima", 20, None), ("Pedagang sayur", 12, None),
        ("Pedagang warung", 12, None), ("Penjual gorengan", 8, None), ("Pedagang asongan", 6, None),
        ("Pedagang bakso keliling", 6, "L"), ("Penjual nasi uduk", 6, "P"), ("Pedagang pasar", 8, None),
    ),
    "driver": (
        ("Pengemudi ojek", 30, None), ("Ojek pangkalan", 20, "L"), ("Ojek online", 20, None),
        ("Sopir angkot", 12, "L"), ("Sopir truk", 8, "L"), ("Kurir", 10, None),
    ),
    "construction": (
        ("Kuli bangunan", 45, None), ("Tukang batu", 15, "L"), ("Tukang kayu", 10, "L"),
        ("Buruh bangunan", 20, None), ("Tukang las", 5, "L"), ("Tukang cat", 5, "L"),
    ),
    "household_worker": (
        ("Asisten rumah tangga", 50, None), ("Pembantu rumah tangga", 25, None),
        ("Pengasuh anak", 12, "P"), ("Tukang cuci gosok", 8, "P"), ("Tukang kebun", 5, "L"),
    ),
    "religious_teacher": (
        ("Guru ngaji", 55, None), ("Ustadz", 20, "L"), ("Ustadzah", 20, "P"),
        ("Guru madrasah diniyah", 15, None), ("Pengajar TPA", 10, None),
    ),
    "mosque_keeper": (
        ("Marbot masjid", 60, None), ("Marbot", 15, None), ("Penjaga masjid", 10, None),
        ("Muazin", 10, "L"), ("Pengurus musala", 5, None),
    ),
    "rt_rw": (("Ketua RT", 75, None), ("Ketua RW", 20, None), ("Pengurus RT", 5, None)),
    "posyandu_cadre": (("Kader posyandu", 80, None), ("Kader PKK", 12, None), ("Kader kesehatan", 8, None)),
    "non_asn": (
        ("Tenaga honorer", 40, None), ("Pegawai honorer desa", 15, None), ("Staf desa", 10, None),
        ("Guru honorer", 15, None), ("Petugas kebersihan", 10, None), ("Linmas", 10, "L"),
    ),
    "other": (
        ("Buruh serabutan", 25, None), ("Pemulung", 10, None), ("Tukang parkir", 10, "L"),
        ("Montir", 8, "L"), ("Penjahit", 8, None), ("Tukang cukur", 6, "L"), ("Buruh harian lepas", 20, None),
        ("Penjaga warung", 8, None), ("Tukang pijat", 5, None),
    ),
}

# --- address parts ----------------------------------------------------------------------------------

KAMPUNG = (
    "Pulo", "Babakan", "Kebon Kelapa", "Pasir Gombong", "Rawa Bebek", "Sawah Lega", "Tanjung", "Pondok",
    "Gardu", "Bulak", "Cabang", "Kramat", "Tegal Gede", "Kali Jeruk", "Sempu", "Ceger", "Kedung",
    "Pangkalan", "Jati", "Poncol", "Rawa Kalong", "Utan", "Pabuaran", "Warung Bongkok", "Kebon Jeruk",
    "Buaran", "Babakan Jati", "Cikedokan", "Rawa Lele", "Pulo Timaha", "Tanah Baru", "Sukamanah", "Cibogo",
    "Bojong", "Ciherang", "Leuwi Malang", "Rawa Banteng", "Kandang Sapi", "Pasir Tanjung", "Cipayung",
    "Kebon Kopi", "Tegal Danas", "Serang", "Kalen Baru", "Gebang", "Sasak Bakar", "Pedes", "Tambun",
    "Pulo Puter", "Bendungan", "Kali Bata", "Jatibaru", "Bulak Temu", "Pintu Air", "Sawah Kulon",
    "Wetan", "Kulon", "Lebak", "Cigudang", "Muara", "Beting", "Gempol", "Karang Tengah", "Rawa Sapi",
    "Kobak Rante", "Bedeng", "Cilemah", "Pasir Konci", "Sindang Sari", "Kongsi", "Situ", "Bojong Koneng",
)
STREETS = (
    "Kenanga", "Melati", "Mawar", "Flamboyan", "Cempaka", "Anggrek", "Dahlia", "Nusantara", "Merdeka",
    "Pemuda", "Pahlawan", "Kali Malang", "Inspeksi Kalimalang", "Masjid", "Pendidikan", "Kampung Baru",
    "Swadaya", "Gotong Royong", "Bhakti", "H. Naman", "H. Saman", "Ki Hajar Dewantara", "Teuku Umar",
    "Diponegoro", "Sudirman", "Imam Bonjol", "Pramuka", "Sawo", "Rambutan", "Duku", "Nangka", "Jambu",
)
HOUSING_ESTATES = (
    "Griya Asri", "Bumi Sani Permai", "Taman Kebalen Indah", "Villa Mutiara", "Graha Prima",
    "Griya Bekasi Permai", "Puri Cendana", "Permata Hijau Permai", "Taman Alamanda", "Villa Permata Hijau",
    "Bekasi Regensi", "Perumnas", "Griya Setu Permai", "Mustika Gandaria", "Grand Cikarang City",
    "Sukaraya Residence", "Villa Gading Harapan", "Pondok Hijau Permai", "Taman Sentosa", "Puri Harapan",
    "Cikarang Baru", "Taman Aster", "Griya Alam Sentosa", "Mega Regency", "Citra Indah",
)
DUSUN_NUMERALS = ("I", "II", "III", "IV", "V", "VI")

# --- phones -------------------------------------------------------------------------------------------

# Mobile prefixes with a weight (Telkomsel, Indosat, XL, Axis, Tri, Smartfren), mirroring market shares.
PHONE_PREFIXES = {
    "0812": 14, "0813": 12, "0821": 8, "0822": 7, "0823": 4, "0852": 9, "0853": 4, "0811": 2,
    "0857": 7, "0856": 4, "0858": 3, "0855": 1, "0815": 1,
    "0878": 5, "0877": 4, "0859": 2, "0819": 2, "0818": 1, "0817": 1,
    "0838": 3, "0831": 2, "0832": 1, "0833": 1,
    "0896": 4, "0895": 3, "0897": 1, "0898": 1, "0899": 1,
    "0881": 1, "0882": 1, "0887": 1, "0888": 1,
}
