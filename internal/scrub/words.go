package scrub

// The word lists the scrubber reads, in the twelve languages Salama speaks
// (en fr es pt ar sw ha am hi bn id fil) and the ways young people type
// them (Sheng, Taglish, Hinglish, Banglish, Arabizi). They are written in
// lower case; matching folds case. Drafts like the rest of the translations:
// a native speaker should check and extend them (docs/TRANSLATING.md).

// numberWords are the digits and small numbers spelled out. Three or more in
// a row (with digits among them, or not) are a number read out: "zero seven
// one two ...".
var numberWords = words(
	// en
	"zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "double", "triple",
	// fr
	"zéro", "un", "deux", "trois", "quatre", "cinq", "sept", "huit", "neuf", "dix", "onze", "douze",
	// es
	"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
	// pt
	"um", "dois", "duas", "três", "quatro", "sete", "oito", "nove", "dez",
	// sw
	"sifuri", "moja", "mbili", "tatu", "nne", "tano", "sita", "saba", "nane", "tisa", "kumi",
	// ha
	"sifili", "daya", "biyu", "uku", "hudu", "huɗu", "biyar", "shida", "bakwai", "takwas", "tara", "goma",
	// am (Ge'ez script and Latin)
	"ዜሮ", "አንድ", "ሁለት", "ሶስት", "ሦስት", "አራት", "አምስት", "ስድስት", "ሰባት", "ስምንት", "ዘጠኝ", "አስር",
	"and", "hulet", "sost", "arat", "amist", "sidist", "sebat", "siment", "zetegn",
	// hi (Devanagari and Hinglish)
	"शून्य", "एक", "दो", "तीन", "चार", "पांच", "पाँच", "छह", "छः", "सात", "आठ", "नौ", "दस",
	"shunya", "ek", "do", "teen", "char", "chaar", "paanch", "panch", "chhe", "chhah", "saat", "aath", "nau", "das",
	// bn (Bengali script and Banglish)
	"শূন্য", "এক", "দুই", "তিন", "চার", "পাঁচ", "ছয়", "সাত", "আট", "নয়", "দশ",
	"shunno", "dui", "tin", "pach", "panch", "choy", "chhoy", "sat", "shat", "saat", "at", "aat", "noy", "dosh",
	// id
	"nol", "kosong", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh",
	// fil (and the Spanish numbers Taglish uses)
	"sero", "isa", "dalawa", "tatlo", "apat", "anim", "pito", "walo", "siyam", "sampu",
	"kwatro", "singko", "sais", "syete", "otso", "nuwebe",
	// ar (Arabic script and Arabizi)
	"صفر", "واحد", "اثنين", "اثنان", "إثنين", "ثلاثة", "تلاتة", "أربعة", "اربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تمانية", "تسعة", "عشرة",
	"sifr", "wahid", "wa7ed", "itnen", "ithnan", "etnein", "talata", "tlata", "arba3a", "khamsa", "sitta", "sab3a", "tamanya", "tis3a", "3ashara",
)

// Some number words are also everyday words ("at" in Banglish is eight,
// "and" in Amharic is one, "do" in Hinglish is two, "tin", "sat", "sita"):
// they count only inside a run that has a number word that is not one of
// them, so "do you sat at" stays.
var ambiguousNumberWords = words("at", "and", "do", "tin", "sat", "sita", "tara", "um", "un", "isa", "lima", "oh", "char", "das", "noy", "ek", "dos", "tres", "moja", "sept", "nau", "uku")

// months, in full and short. An ambiguous one ("may", "mai", "mei", "march",
// "mars") counts only before a day's number ("12 may"), never after one.
var months = words(
	"january", "february", "april", "june", "july", "august", "september", "october", "november", "december",
	"jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
	"janvier", "février", "fevrier", "avril", "juin", "juillet", "août", "aout", "septembre", "octobre", "novembre", "décembre", "decembre",
	"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre", "octubre", "noviembre", "diciembre",
	"janeiro", "fevereiro", "março", "marco", "maio", "junho", "julho", "setembro", "outubro", "novembro", "dezembro",
	"januari", "februari", "machi", "aprili", "juni", "julai", "agosti", "septemba", "oktoba", "novemba", "desemba",
	"janairu", "fabrairu", "maris", "afrilu", "mayu", "yuni", "yuli", "agusta", "satumba", "nuwamba", "disamba",
	"maret", "juli", "agustus", "oktober", "desember",
	"pebrero", "marso", "hunyo", "hulyo", "setyembre", "oktubre", "nobyembre", "disyembre",
	"जनवरी", "फ़रवरी", "फरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "सितम्बर", "अक्टूबर", "नवंबर", "नवम्बर", "दिसंबर", "दिसम्बर",
	"জানুয়ারি", "ফেব্রুয়ারি", "মার্চ", "এপ্রিল", "মে", "জুন", "জুলাই", "আগস্ট", "সেপ্টেম্বর", "অক্টোবর", "নভেম্বর", "ডিসেম্বর",
	"يناير", "فبراير", "مارس", "أبريل", "ابريل", "مايو", "يونيو", "يوليو", "أغسطس", "اغسطس", "سبتمبر", "أكتوبر", "اكتوبر", "نوفمبر", "ديسمبر",
	"كانون", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين",
	"መስከረም", "ጥቅምት", "ኅዳር", "ህዳር", "ታኅሣሥ", "ታህሳስ", "ጥር", "የካቲት", "መጋቢት", "ሚያዝያ", "ግንቦት", "ሰኔ", "ሐምሌ", "ሀምሌ", "ነሐሴ", "ነሀሴ",
)

var ambiguousMonths = words("may", "mai", "mei", "march", "mars", "mar")

// Name phrases introduce a name. Written as folded words; the name is the
// word after the phrase (and the next ones while they are capitalised).
//
// strongNamePhrases say it outright ("my name is", "je m'appelle"): the
// word after is a name whatever its case.
var strongNamePhrases = phrases(
	"my name is", "my names are", "my name's", "his name is", "her name is", "their name is", "the name is", "name is", "i am called", "i'm called", "im called", "they call me",
	"je m'appelle", "je m appelle", "jm'appelle", "mon nom est", "mon nom c'est", "mon prénom est", "mon prenom est", "mon prénom c'est", "mon prenom c'est", "il s'appelle", "elle s'appelle",
	"me llamo", "mi nombre es", "se llama",
	"meu nome é", "meu nome e", "me chamo", "se chama",
	"jina langu ni", "jina lake ni", "naitwa", "anaitwa", "majina yangu ni",
	"sunana", "sunansa", "sunanta", "ana kirana da", "ana ce da ni",
	"panggil aku", "panggil saya",
	"ang pangalan ko ay", "pangalan ko ay", "ang pangalan niya ay", "ako si", "siya si",
)

// plainNamePhrases name without saying "is" ("mera naam", "amar nam",
// "nama aku"), and are also how people say "my name" in other sentences
// ("report karne pe mera naam usko dikhega"): the word after is a name
// when it is capitalised, or when the phrase opens the sentence or a
// clause.
var plainNamePhrases = phrases(
	"my name", "mi nombre", "meu nome", "mon nom", "jina langu", "jina lake", "sunan", "sime",
	"ስሜ", "ስሙ", "ስሟ", "मेरा नाम", "उसका नाम", "আমার নাম", "ওর নাম", "তার নাম",
	"nama saya", "namaku", "namanya", "nama gue", "nama gw", "اسمي", "إسمي", "اسمه", "اسمها",
	"mera naam", "mera name", "meraa naam", "uska naam", "uska name", "amar nam", "amar naam", "amar name", "tar nam", "or nam",
	"nama aku", "pangalan ko", "ismi", "esmi", "esmy", "ismo", "esmo",
)

// weakNamePhrases take only a capitalised name: "a guy named Juma", not
// "named after".
var weakNamePhrases = phrases(
	"call me", "named", "a guy called", "a girl called", "someone called", "appelé", "appelée", "nommé", "nommée", "llamado", "llamada", "chamado", "chamada",
)

// nameEnds stop a name that a phrase started: copulas and joining words.
var nameEnds = words("hai", "he", "h", "hu", "hoon", "hun", "है", "हूँ", "हूं", "ነው", "ናት", "ነኝ", "and", "et", "y", "e", "na", "da", "dan", "at", "ni",
	"i", "im", "i'm", "from", "de", "the", "is", "and", "but", "ba", "w", "wa", "howa", "hiya", "ana", "وهو", "وهي", "وانا", "وأنا", "و", "kuma", "ve", "aur", "mais", "pero", "mas", "lakini", "amma", "tapi", "pero", "pero", "ও", "এবং", "و", "aur", "और")

// titles stand before a name: "Mr Otieno", "Mwalimu Juma", "Pak Budi".
// Most are also ordinary words ("teacher", "uncle", "mama", "miss you"),
// so the name after them must be capitalised.
var titles = words(
	"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "madam", "ma'am", "maam", "teacher", "coach", "pastor", "father", "uncle", "aunt", "auntie", "aunty", "mister",
	"m", "mme", "mlle", "monsieur", "madame", "tonton", "tata",
	"sr", "sra", "srta", "señor", "señora", "senor", "senora", "profe", "don", "doña", "dona", "dom", "tio", "tía", "tia", "tío",
	"mwalimu", "mwl", "bwana", "bw", "bi", "mzee", "shangazi", "mjomba",
	"malam", "mallam", "malama", "alhaji", "hajiya", "baba", "mama",
	"አቶ", "ወይዘሮ", "ወ/ሮ", "ወይዘሪት", "ዶ/ር", "ato", "woizero", "weizero",
	"श्री", "श्रीमती", "सर", "मैडम", "shri", "sri", "smt", "bhaiya", "didi",
	"শ্রী", "স্যার", "ম্যাডাম", "bhai", "apu", "apa", "dada",
	"pak", "bapak", "bu", "ibu", "kak", "kakak", "mas", "mbak", "om", "tante",
	"kuya", "ate", "tito", "tita", "gng", "ginoong", "binibining", "si", "kay",
	"الأستاذ", "استاذ", "أستاذ", "الاستاذ", "السيد", "السيدة", "الشيخ", "ustaz", "ustadh", "ostaz", "sheikh",
)

// looseTitles are only ever titles, so the word after one is a name
// whatever its case ("mr otieno", "pak budi", "አቶ አበበ").
var looseTitles = words("mr", "mrs", "ms", "mx", "dr", "mme", "mlle", "sra", "srta", "mwl", "bw", "shri", "sri", "smt", "श्री", "श्रीमती", "শ্রী",
	"pak", "bapak", "አቶ", "ወይዘሮ", "ወ/ሮ", "ወይዘሪት", "ዶ/ር", "ato", "woizero", "weizero", "السيد", "السيدة", "ustaz", "ustadh", "gng", "ginoong", "binibining")

// platforms are where a handle lives: "my snap is x", "insta: x".
var platforms = words(
	"snap", "snapchat", "sc", "insta", "instagram", "ig", "tiktok", "tt", "telegram", "tg", "whatsapp", "whatsap", "watsapp", "wassap",
	"discord", "fb", "facebook", "messenger", "twitter", "kik", "wechat", "skype", "signal", "threads", "roblox", "fortnite", "psn", "xbox", "steam",
	"username", "usernames", "user", "handle", "gamertag", "nick", "nickname", "account", "acc", "acct", "id", "profile", "pseudo", "usuario", "usuário", "utilisateur",
)

// handleFillers may stand between a platform word and the handle: "my
// snap name is", "insta yangu ni", "ang fb ko ay".
var handleFillers = words("name", "naam", "nam", "jina", "id", "yangu", "yake", "lake", "langu", "mi", "mon", "ma", "meu", "minha", "my", "saya", "aku", "ku", "mera", "meri", "uska", "amar", "tar", "ang", "ko", "nya", "on", "su", "sua", "seu", "son", "ka", "ki", "la", "el")

// handleCopulas say "is" between a platform and the handle; without one
// (or a colon) the word after a platform is not taken for a handle
// ("tiktok aku ga bisa" is "my tiktok can't").
var handleCopulas = words("is", "es", "é", "est", "c'est", "cest", "ni", "ay", "its", "it's", "hai", "ce", "shine", "adalah", "yaitu", "iko", "ነው", "है")

// streetsBefore name a street before its name ("rue des Lilas", "Jalan
// Sudirman"); streetsAfter after it ("Moi Avenue", "12 Baker St").
var streetsBefore = words("rue", "boulevard", "bd", "calle", "avenida", "av", "rua", "travessa", "jalan", "jl", "barabara", "mtaa",
	"titi", "unguwa", "layi", "gali", "galli", "mohalla", "barangay", "brgy", "purok", "sitio", "kalye", "شارع", "quartier", "colonia", "barrio", "bairro", "komplek", "perumahan")

var streetsAfter = words("street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "crescent", "estate", "nagar", "marg", "colony", "highway", "gardens", "avenida")

// schools: the words before one are its name ("Moi Girls school").
var schools = words("school", "schools", "academy", "college", "shule", "école", "ecole", "lycée", "lycee", "collège", "escuela", "colegio", "liceo", "escola", "colégio",
	"makaranta", "sekolah", "smp", "sma", "smk", "paaralan", "eskwelahan", "स्कूल", "विद्यालय", "vidyalaya", "বিদ্যালয়", "স্কুল", "madrasa", "madrassa", "مدرسة", "ትምህርት ቤት")

// stopwords are never part of a name, a street or a school: articles,
// pronouns and prepositions, and the words "high", "primary" and the like
// that name a kind of school, not one school.
var stopwords = words(
	"the", "a", "an", "my", "your", "his", "her", "our", "their", "this", "that", "at", "in", "on", "to", "from", "of", "near", "by", "and", "or", "is", "was", "i", "me", "we", "he", "she", "they", "it", "go", "went", "same", "new", "old", "our", "whole", "which", "what", "who",
	"le", "la", "les", "l", "un", "une", "des", "du", "de", "mon", "ma", "mes", "ton", "ta", "son", "sa", "notre", "à", "au", "aux", "dans", "et", "ou", "je", "il", "elle",
	"el", "los", "las", "una", "mi", "mis", "tu", "su", "en", "y", "o", "yo", "del", "al",
	"o", "os", "as", "uma", "meu", "minha", "seu", "sua", "no", "na", "nos", "em", "e", "eu", "ele", "ela", "do", "da",
	"wa", "ya", "za", "kwa", "na", "ni", "katika", "yangu", "yetu", "wangu", "wetu", "wako", "yako",
	"a", "da", "ta", "na", "ina", "zuwa", "makarantar",
	"saya", "aku", "di", "ke", "dari", "yang", "ini", "itu", "dan",
	"ang", "ng", "sa", "mga", "ako", "ko",
	"mera", "meri", "mere", "ka", "ki", "ke", "mein", "main", "mai", "hai",
	"amar", "amader", "er", "te",
	"high", "primary", "secondary", "junior", "senior", "boarding", "private", "public", "international", "girls", "boys", "mixed", "day", "sunday", "grammar", "middle", "elementary", "any", "every", "another", "other",
)

// keepCapitalised are capitalised words that name no one: platforms,
// languages, religions, institutions. (Acronyms in capitals are never
// taken for names.)
var keepCapitalised = words(
	"i", "i'm", "im", "i've", "i'd", "i'll", "ok", "okay",
	"instagram", "insta", "snapchat", "snap", "tiktok", "whatsapp", "facebook", "messenger", "telegram", "discord", "twitter", "google", "youtube", "roblox", "fortnite",
	"minecraft", "zoom", "iphone", "android", "apple", "samsung", "xbox", "playstation", "netflix", "onlyfans", "omegle", "wechat", "kik", "skype", "signal", "threads", "reddit", "pinterest", "free", "fire", "pubg", "salama", "slack",
	"english", "french", "spanish", "portuguese", "arabic", "swahili", "kiswahili", "hausa", "amharic", "hindi", "bengali", "bangla", "indonesian", "filipino", "tagalog",
	"god", "allah", "mungu", "jesus", "christ", "dios", "deus", "dieu", "bhagwan", "muslim", "christian", "islam", "ramadan", "christmas", "eid",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lundi", "lunes", "segunda",
	"internet", "web", "wifi", "police", "polisi", "policía", "polícia", "covid", "ai", "un", "unicef", "childline", "helpline", "ncmec", "fbi",
	"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
	"africa", "asia", "europe", "america", "kenya", "tanzania", "uganda", "nigeria", "ghana", "ethiopia", "india", "bangladesh", "indonesia", "philippines", "brazil", "brasil", "mexico", "morocco", "egypt", "senegal", "france",
)

func words(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// phrases maps the first word of each phrase to the phrases' word lists,
// longest first.
func phrases(ps ...string) map[string][][]string {
	m := map[string][][]string{}
	for _, p := range ps {
		ws := splitWords(p)
		m[ws[0]] = append(m[ws[0]], ws)
	}
	for _, list := range m {
		for i := range list { // longest first, so "my name is" wins over "my name"
			for j := i + 1; j < len(list); j++ {
				if len(list[j]) > len(list[i]) {
					list[i], list[j] = list[j], list[i]
				}
			}
		}
	}
	return m
}
