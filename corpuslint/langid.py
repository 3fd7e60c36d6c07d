"""Cheap script and language guesses: letter scripts and stopword counts, no model."""

from __future__ import annotations

from collections import Counter
from collections.abc import Set
from functools import lru_cache

import regex

from corpuslint.patterns import compile_regex

__all__ = ["SCRIPTS", "dominant_script", "guess_language", "line_script", "script_counts"]

#: Scripts we tell apart; anything else counts as "Other".
SCRIPTS = (
    "Latin",
    "Cyrillic",
    "Greek",
    "Arabic",
    "Hebrew",
    "Han",
    "Hiragana",
    "Katakana",
    "Hangul",
    "Devanagari",
    "Thai",
    "Georgian",
    "Armenian",
)

# the last group, letters of other scripts, leaves out the scripts above: as `\p{L}+` it ran on
# over the letters after one (a `µ` in cp1251 mojibake took the rest of a Russian text with it)
_SCRIPT_RE = compile_regex(
    "|".join(f"(\\p{{Script={s}}}+)" for s in SCRIPTS)
    + "|([\\p{L}--[" + "".join(f"\\p{{Script={s}}}" for s in SCRIPTS) + "]]+)",
    regex.VERSION1,
)

# Languages written in a script of their own: the script settles the language.
_SCRIPT_LANGUAGE = {
    "Greek": "el",
    "Arabic": "ar",
    "Hebrew": "he",
    "Han": "zh",
    "Hiragana": "ja",
    "Katakana": "ja",
    "Hangul": "ko",
    "Devanagari": "hi",
    "Thai": "th",
    "Georgian": "ka",
    "Armenian": "hy",
}

# Short function words, frequent in running text and rare in the other languages.
# Words shared by several languages (e.g. "de", "a", "la") are kept only where they
# discriminate once weighted together with the rest.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        ["the", "and", "of", "to", "in", "is", "that", "for", "it", "with", "as", "was", "on", "are", "be", "by", "this", "have", "from", "or", "an", "at", "not", "but", "which", "you", "they", "his", "her", "were", "been", "has", "their", "will", "would", "there", "what", "about", "when", "who", "more", "also", "its", "into", "than", "then", "them", "these", "some", "can", "could"]
    ),
    "fr": frozenset(
        ["le", "la", "les", "des", "du", "une", "est", "et", "en", "que", "qui", "dans", "pour", "pas", "sur", "au", "aux", "avec", "ce", "cette", "sont", "par", "plus", "mais", "ou", "nous", "vous", "ils", "elle", "être", "été", "fait", "leur", "leurs", "ses", "son", "sa", "comme", "tout", "très", "aussi", "où", "dont", "entre", "après", "avant"]
    ),
    "de": frozenset(
        ["der", "die", "das", "und", "ist", "nicht", "mit", "den", "dem", "des", "ein", "eine", "einen", "auch", "auf", "für", "von", "sich", "zu", "im", "wird", "werden", "wurde", "sind", "oder", "aber", "noch", "nach", "bei", "wie", "aus", "hat", "haben", "dass", "sie", "er", "es", "wir", "ich", "über", "nur"]
    ),
    "es": frozenset(
        ["el", "los", "las", "del", "que", "y", "en", "una", "por", "con", "para", "es", "se", "no", "lo", "más", "pero", "sus", "su", "como", "al", "fue", "son", "está", "este", "esta", "ha", "sido", "también", "entre", "cuando", "muy", "sobre", "hasta", "desde"]
    ),
    "it": frozenset(
        ["il", "lo", "gli", "della", "delle", "degli", "che", "di", "è", "una", "per", "non", "con", "sono", "nel", "nella", "alla", "al", "anche", "come", "più", "ma", "dei", "questo", "questa", "sul", "sulla", "stato", "essere", "hanno", "ha", "loro"]
    ),
    "pt": frozenset(
        ["os", "as", "do", "da", "dos", "das", "que", "em", "um", "uma", "para", "com", "não", "por", "mais", "mas", "foi", "ao", "são", "está", "como", "seu", "sua", "também", "pelo", "pela", "entre", "quando", "muito", "já", "isso"]
    ),
    "nl": frozenset(
        ["de", "het", "een", "en", "van", "is", "dat", "niet", "op", "te", "zijn", "met", "voor", "er", "aan", "ook", "als", "bij", "door", "maar", "om", "dan", "nog", "wordt", "werd", "heeft", "hij", "zij", "wij", "ze"]
    ),
    "ru": frozenset(
        ["и", "в", "не", "на", "что", "с", "по", "как", "это", "он", "она", "они", "к", "из", "за", "у", "от", "то", "для", "но", "все", "так", "его", "её", "был", "была", "были", "бы", "уже", "или", "же", "только", "также", "при"]
    ),
    "uk": frozenset(
        ["і", "в", "не", "на", "що", "з", "як", "це", "він", "вона", "вони", "до", "від", "за", "у", "та", "для", "але", "так", "його", "її", "був", "була", "були", "би", "вже", "або", "лише", "також", "при"]
    ),
    "pl": frozenset(
        ["i", "w", "nie", "na", "że", "z", "się", "do", "jest", "to", "jak", "po", "o", "od", "za", "dla", "ale", "tak", "jego", "jej", "był", "była", "były", "już", "lub", "tylko", "także", "przez"]
    ),
    # The languages below hold no word of the lists above (`on`, `is`, `et`, `van`, `her`, `se`
    # left out) and few that the languages above write often (`je`, `mai`, `disse`, the `s` of
    # `it's`): the text of a language above scores nearly as it did.
    "sv": frozenset(
        ["och", "att", "är", "på", "för", "inte", "av", "till", "jag", "från", "vid", "eller", "också", "efter", "sig", "hade", "när", "mycket", "dessa", "sina", "skulle", "detta", "blev", "blir", "finns", "än", "där", "hon", "kommer", "måste", "sedan", "bara", "vara", "hur", "vad"]
    ),
    "da": frozenset(
        ["og", "ikke", "af", "jeg", "fra", "også", "efter", "sig", "havde", "når", "meget", "sine", "skulle", "dette", "blev", "bliver", "findes", "hvor", "hun", "kommer", "skal", "være", "hvad", "hvis", "kun", "deres"]
    ),
    "nb": frozenset(
        ["og", "ikke", "av", "jeg", "fra", "også", "etter", "seg", "hadde", "når", "mye", "sine", "skulle", "dette", "ble", "blir", "finnes", "hvor", "hun", "kommer", "skal", "være", "hva", "hvis", "kun", "deres", "enn"]
    ),
    "fi": frozenset(
        ["ja", "ei", "että", "oli", "hän", "kun", "mutta", "myös", "tai", "ovat", "ole", "sen", "kuin", "niin", "jo", "vain", "joka", "jotka", "mukaan", "sekä", "nyt", "tämä", "siitä", "olla", "voi", "ollut", "jos", "kanssa", "jälkeen", "hänen", "mitä"]
    ),
    "cs": frozenset(
        ["že", "jsou", "byl", "byla", "bylo", "být", "jako", "také", "nebo", "které", "který", "která", "jsem", "jen", "podle", "než", "při", "pro", "už", "však", "jejich", "této", "tento", "tato", "může", "mezi", "jsme", "bude", "když", "ještě", "již", "kde", "tím", "aby", "její", "svou", "své", "až", "velmi", "proto", "tedy", "protože", "byli", "byly", "lze", "ke", "není", "mají",
         # also Polish words: they count for both, and the words above tell the two apart
         "na", "z", "o", "od", "po", "za", "do", "ale", "tak", "jak"]
    ),
    "ro": frozenset(
        ["și", "în", "că", "din", "pentru", "sunt", "fost", "sau", "dar", "această", "acest", "prin", "după", "despre", "foarte", "să", "cu", "pe", "fi", "unei", "unui", "lor"]
    ),
    "hu": frozenset(
        ["az", "és", "hogy", "nem", "egy", "meg", "volt", "már", "csak", "mint", "még", "ez", "azt", "ezt", "lesz", "vagy", "pedig", "után", "között", "szerint", "nagyon", "amely", "amit", "kell", "lehet", "minden"]
    ),
    "tr": frozenset(
        ["ve", "bir", "bu", "için", "ile", "çok", "daha", "gibi", "olarak", "ama", "kadar", "sonra", "olan", "değil", "veya", "şey", "diye", "ancak", "ise", "göre", "yok", "ben", "sen", "biz", "onun", "bunu", "şu", "olduğu", "içinde"]
    ),
    "ca": frozenset(
        ["els", "amb", "però", "més", "també", "seva", "són", "aquest", "aquesta", "aquests", "perquè", "quan", "hi", "ho", "molt", "fins", "pels", "dels", "així", "havia", "això", "tots", "totes", "encara", "sense", "segons", "després", "només", "sempre", "pot", "fa", "va", "unes", "ells", "llavors", "doncs", "mentre", "aquestes", "aquell", "aquella", "seves"]
    ),
    "vi": frozenset(
        ["và", "của", "có", "không", "được", "cho", "trong", "với", "các", "những", "người", "một", "này", "đã", "để", "khi", "thì", "cũng", "như", "từ", "đến", "về", "nhiều", "ra", "lại", "sẽ", "theo", "đó", "nhưng"]
    ),
    # Languages of large web corpora that were guessed as a neighbour (Croatian as Polish,
    # Basque as French, Galician as Spanish) or not at all (Indonesian). Same rule as above:
    # no word of the first ten lists, nor a word those languages write often without listing
    # it (`in`, `so`, `ne`, `da`, `se`, `un`, `no`, `per`, `sem`, `eu`, `ni`, `ya`, `moi`,
    # `bus`); no word its close neighbour writes (Slovak and Czech `že`, `už`, `bude`; Estonian
    # and Finnish `ja`, `ei`, `oli`; Afrikaans and Dutch `wat`, `geen`; Galician and Portuguese
    # `isto`, `deste`): a neighbour's text keeps its confidence. `je`, the commonest word of
    # Croatian, Slovenian and Slovak, is Czech and French too; `да`, `во`, `где` are Russian.
    "id": frozenset(
        ["yang", "ini", "itu", "dengan", "untuk", "tidak", "dari", "dalam", "akan", "pada", "juga", "karena", "oleh",
         "sudah", "ada", "bisa", "mereka", "kami", "kita", "atau", "saat", "telah", "lebih", "seperti", "tersebut",
         "bahwa", "hanya", "masih", "namun", "menjadi", "setelah", "sebagai", "dapat", "belum", "bagi", "tetapi",
         "yaitu", "saja", "tapi", "kepada", "adalah"]
    ),
    "hr": frozenset(
        ["kao", "što", "ali", "koji", "koja", "koje", "iz", "će", "sam", "smo", "ili", "samo", "nije", "još", "kako",
         "biti", "bio", "bila", "bilo", "prema", "nakon", "kada", "jer", "može", "vrlo", "sve", "ih", "ga", "ova",
         "ovo", "ovaj", "između", "nisu", "treba", "dok",
         # Croatian (tko, tijekom) and Serbian (šta, tokom): one list, one code
         "također", "tko", "gdje", "tijekom", "prije", "poslije", "uvijek", "tisuća",
         "šta", "takođe", "tokom", "hiljada", "gde", "posle", "uvek", "vreme", "deo", "među"]
    ),
    "sl": frozenset(
        ["ki", "pa", "kot", "tudi", "bo", "še", "lahko", "kar", "ker", "kjer",
         "sem", "bil", "zato", "vendar", "zelo", "bodo", "niso", "tako", "če", "ko", "ter",
         "ima", "imajo", "ampak", "saj", "torej", "tega"]
    ),
    "sk": frozenset(
        ["aj", "ako", "ktorý", "ktorá", "ktoré", "ktorí", "bol", "bola", "bolo", "boli", "sú",
         "alebo", "tiež", "podľa", "keď", "ešte", "medzi", "môže", "veľmi", "pretože", "len", "iba", "som",
         "sme", "budú", "pre", "pri", "zo", "ku", "teda", "preto", "vo", "lebo", "táto", "ktorú", "ktorého", "ktorých", "majú", "ďalšie", "keby", "teraz", "čo", "kto", "nič"]
    ),
    "et": frozenset(
        ["see", "kui", "aga", "mis", "ning", "või", "mida", "seda", "nii", "veel", "kes",
         "nad", "siis", "kuid", "sest", "pole", "olid", "juba", "ainult", "tema", "selle", "mille", "üle",
         "pärast", "vaid", "kõik", "ehk", "samuti"]
    ),
    "lv": frozenset(
        ["ar", "uz", "kas", "arī", "vai", "tas", "tā", "bija", "būs", "pēc", "kā",
         "vēl", "tikai", "viņš", "viņa", "viņi", "lai", "savu", "šo", "šī", "šis", "nav", "gan", "līdz",
         "starp", "tomēr"]
    ),
    "lt": frozenset(
        ["yra", "kad", "į", "iš", "bet", "taip", "kaip", "buvo", "jų", "tik", "jau", "apie",
         "kur", "nuo", "prie", "arba", "būti", "savo", "kuris", "kuri", "kurie", "labai", "tačiau", "nes",
         "juk", "mūsų", "dėl", "kai"]
    ),
    "eu": frozenset(
        ["eta", "dira", "zen", "ere", "baina", "bat", "hau", "hori", "honek", "horrek", "bere", "izan", "egin",
         "dute", "zuen", "edo", "baita", "oso", "beste", "arte", "gero", "orain", "zer", "nola", "behar", "dago",
         "daude", "bezala", "buruz", "arabera", "ziren", "dela"]
    ),
    "gl": frozenset(
        ["unha", "máis", "polo", "pola", "tamén", "ata", "coa", "nunha", "dunha", "dun", "aínda", "nin", "xa",
         "cando", "iso", "foron", "súas", "mentres",
         "eses", "cun", "cunha", "moito", "moita", "moitos", "teñen", "tampouco", "porén", "coma", "súa", "ademais"]
    ),
    "sq": frozenset(
        ["dhe", "në", "të", "një", "për", "është", "që", "nga", "nuk", "ishte", "janë", "kjo", "ky", "edhe", "ose",
         "duke", "mund", "kanë", "shumë", "tij", "tyre", "gjatë", "sipas", "më"]
    ),
    "tl": frozenset(
        ["ang", "ng", "mga", "ay", "hindi", "ito", "siya", "kung", "lang", "rin", "naman", "niya", "nila",
         "kanilang", "kay", "ngayon", "dahil", "kaya", "lamang", "noong", "ayon", "isang"]
    ),
    "sw": frozenset(
        ["wa", "kwa", "katika", "cha", "hii", "hiyo", "kuwa", "lakini", "pia", "ambao", "ambayo", "baada",
         "kabla", "wao", "yake", "wake", "sana", "hadi", "huo", "hilo", "kama", "bado", "zaidi"]
    ),
    "af": frozenset(
        ["vir", "hulle", "baie", "sal", "jy", "gewees", "sê", "hierdie", "daardie",
         "sou", "egter"]
    ),
    "is": frozenset(
        ["að", "í", "á", "við", "ekki", "með", "það", "hann", "hún", "þetta", "eru", "voru", "hefur", "hafa", "eftir",
         "þegar", "þar", "mjög", "eða", "sinni", "vegna", "líka", "sé", "verið"]
    ),
    "cy": frozenset(
        ["yr", "ac", "yn", "mae", "wedi", "fel", "ond", "hyn", "hefyd", "roedd", "bod", "nid", "gyda",
         "dros", "rhwng", "oedd", "fydd", "sydd", "hynny"]
    ),
    "bg": frozenset(
        ["че", "са", "като", "това", "тази", "този", "които", "която", "който", "ще", "бъде", "беше",
         "след", "според", "също", "още", "вече", "към", "през", "няма", "бил", "били"]
    ),
    "sr-Cyrl": frozenset(
        ["је", "су", "као", "што", "али", "који", "која", "које", "ће", "само", "није", "још", "како",
         "био", "било", "према", "након", "такође", "када", "јер", "веома", "тако"]
    ),
    "mk": frozenset(
        ["ова", "оваа", "овој", "кои", "кој", "ќе",
         "исто", "уште", "веќе", "кон", "преку", "многу", "од", "сите", "дека", "има"]
    ),
}

#: languages told apart by stopwords, per script (a tie goes to the first)
_CANDIDATES: dict[str, tuple[str, ...]] = {
    "Latin": ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "sv", "da", "nb", "fi", "cs", "ro", "hu", "tr", "ca", "vi",
              "id", "hr", "sl", "sk", "et", "lv", "lt", "eu", "gl", "sq", "tl", "sw", "af", "is", "cy"),
    "Cyrillic": ("ru", "uk", "bg", "sr-Cyrl", "mk"),
}
#: letters that set a language apart from its neighbours (_LETTER_PAIRS)
_PL, _SR, _MK = "łąęśźćńż", "јљњћђџ", "јљњќѓѕџ"
_RU, _BG, _UK = "ыэёйщъ", "щъйюяь", "іїєґ"
#: (language, letters it writes, neighbour, letters the neighbour writes): neither writes the
#: other's letters (or seldom), and a text of one scores for both: their stopword lists share
#: the commonest words (Czech and Slovak `že`, `na`, `do`, Polish too), or the first lists hold
#: words the later languages write too (Russian `на`, `от`, `за`; Finnish `ja`, which the
#: Estonian list leaves out): of two neighbours with hits, the one whose letters the text
#: holds fewer of is out. Upper case is counted as well.
_LETTER_PAIRS = tuple(
    (a, a_letters + a_letters.upper(), b, b_letters + b_letters.upper())
    for a, a_letters, b, b_letters in (
        ("cs", "řěů", "sk", "ľĺŕôä"),
        ("pl", _PL, "cs", "čšťďňěřů"),
        ("pl", _PL, "sk", "čšťďňľĺŕô"),
        # Estonian writes õ and ü, Finnish y (Estonian has it in loanwords only)
        ("fi", "y", "et", "õü"),
        # Russian ы э ё й; Bulgarian ъ (Russian has a few, and й щ ъ: against Bulgarian only
        # ы э ё count); Serbian and Macedonian ј љ њ џ and ћ ђ or ќ ѓ ѕ; Bulgarian щ ъ й ю я ь,
        # which neither of those two writes
        ("ru", "ыэё", "bg", "ъ"),
        ("ru", _RU, "sr-Cyrl", _SR),
        ("ru", _RU, "mk", _MK),
        ("bg", _BG, "sr-Cyrl", _SR),
        ("bg", _BG, "mk", _MK),
        ("sr-Cyrl", "ћђ", "mk", "ќѓѕ"),
        # a text with і ї є ґ is Ukrainian before any count, unless Russian's ы э ё outnumber
        # them (then Russian's letters decide against Ukrainian's here)
        ("uk", _UK, "ru", "ыэё"),
        ("uk", _UK, "bg", "ъщ"),
        ("uk", _UK, "sr-Cyrl", _SR),
        ("uk", _UK, "mk", _MK),
    )
)
#: a word of UTF-8 Cyrillic read as cp1251 (`РџСЂР°РІРёС‚РµР»СЊСЃС‚РІРѕ`, `РІ` for `в`): `Р` or
#: `С` (the reading of D0 and D1) before what cp1251 reads a continuation byte as, twice in the
#: word or all the word
_CP1251_CONT = "".join(sorted(set(bytes(range(0x80, 0xC0)).decode("cp1251", errors="ignore"))))
_CP1251_MOJIBAKE = compile_regex(
    r"(?<!\S)(?:\S*?[РС][" + _CP1251_CONT + r"]\S*?[РС][" + _CP1251_CONT + r"]\S*|(?:[РС][" + _CP1251_CONT + r"])+)(?!\S)"
)
#: a word of UTF-8 Arabic or Persian read as cp1256 (`ط§ظ„ظٹظˆظ…`): `ط` `ظ` `ع` `غ` (the reading of
#: D8-DB) before what cp1256 reads a continuation byte as (Urdu's `ڑ ں ھ ٹ` among them), twice
_CP1256_CONT = "".join(sorted(set(bytes(range(0x80, 0xC0)).decode("cp1256", errors="ignore"))))
_CP1256_MOJIBAKE = compile_regex(
    r"(?<!\S)\S*?[طظعغ][" + regex.escape(_CP1256_CONT) + r"]\S*?[طظعغ][" + regex.escape(_CP1256_CONT) + r"]\S*(?!\S)"
)
#: a letter only Ukrainian writes, not after `Р` or `С` (cp1251 mojibake of Cyrillic: `РІ`, `СЊ`)
_UK_LETTER = compile_regex("(?<![РС])[іїєґІЇЄҐ]")
#: a stopword list whose language has another code (Serbian in Cyrillic letters is Serbian;
#: in Latin letters it shares Croatian's list and code, as Bosnian does: the function words of
#: the three are one list, and two lists that share most words halve each other's confidence;
#: Malay is guessed Indonesian for the same reason)
_CODE = {"sr-Cyrl": "sr"}


def _word_groups(candidates: tuple[str, ...]) -> tuple[dict[bytes, int], list[tuple[str, ...]]]:
    """(UTF-8 stopword -> index of its group, the groups): a group is the languages among
    ``candidates`` a stopword is of; the few groups let the hits be counted per group."""
    langs: dict[bytes, tuple[str, ...]] = {}
    for lang in candidates:
        for w in _STOPWORDS[lang]:
            key = w.encode()
            langs[key] = (*langs.get(key, ()), lang)
    groups = sorted(set(langs.values()))
    index = {g: i for i, g in enumerate(groups)}
    return {w: index[g] for w, g in langs.items()}, groups


_WORD_GROUPS = {script: _word_groups(candidates) for script, candidates in _CANDIDATES.items()}


_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_ASCII_BYTES = bytes(range(128))
#: ASCII bytes that are not letters
_ASCII_NON_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
#: ASCII capitals -> lower case, other ASCII non-letters -> space; bytes >= 128 kept (bytes.translate)
_ASCII_LOWER_LETTERS = bytes.maketrans(
    bytes(range(65, 91)) + _ASCII_NON_LETTERS, bytes(range(97, 123)) + b" " * len(_ASCII_NON_LETTERS)
)
_ASCII_LETTER_RE = compile_regex(r"[A-Za-z]")
_LETTER = compile_regex(r"\p{L}")
_LATIN = compile_regex(r"\p{Script=Latin}+")


def script_counts(text: str) -> Counter[str]:
    """Number of letters per script in ``text``."""
    if text.isascii():
        # fast path: ASCII letters are Latin; count them with a C-level delete
        counts: Counter[str] = Counter()
        b = text.encode("ascii")
        n = len(b) - len(b.translate(None, _ASCII_LETTERS))
        if n:
            counts["Latin"] = n
        return counts
    raw = text.encode("utf-8", "surrogatepass")
    rest = _non_ascii(raw)
    return _script_counts(raw, rest, _latin_only(rest, set(rest)) if len(rest) <= _FEW_NON_ASCII else None)


def _script_counts(raw: bytes, rest: str, latin: int | None) -> Counter[str]:
    """script_counts of a text that is not all ASCII, from its UTF-8 bytes ``raw``, its
    non-ASCII characters ``rest`` and ``_latin_only(rest)`` (None: not tried or not Latin only)."""
    counts: Counter[str] = Counter()
    n = len(raw) - len(raw.translate(None, _ASCII_LETTERS))  # the bytes of other characters are >= 128
    if n:
        counts["Latin"] = n
    if latin is not None:  # accented Latin letters and punctuation: the common case
        if latin:
            counts["Latin"] += latin
        return counts
    latin = sum(map(len, _LATIN.findall(rest)))
    if latin:
        counts["Latin"] += latin
        rest = _LATIN.sub("", rest)  # the accented Latin letters, counted in one pass
    for m in _SCRIPT_RE.finditer(rest):
        idx = m.lastindex or 0
        name = SCRIPTS[idx - 1] if idx <= len(SCRIPTS) else "Other"
        counts[name] += m.end() - m.start()
    return counts


#: up to this many non-ASCII characters, script_counts first tries _latin_only
_FEW_NON_ASCII = 2000
#: character -> its script among SCRIPTS, "Other" for another letter, None when no script
#: pattern of script_counts matches it alone
_CHAR_SCRIPT: dict[str, str | None] = {}


def _char_script(ch: str) -> str | None:
    """The script the patterns of script_counts give ``ch`` on its own (cached)."""
    if ch in _CHAR_SCRIPT:
        return _CHAR_SCRIPT[ch]
    name: str | None = None
    if _LATIN.match(ch):
        name = "Latin"
    else:
        m = _SCRIPT_RE.match(ch)
        if m is not None:
            idx = m.lastindex or 0
            name = SCRIPTS[idx - 1] if idx <= len(SCRIPTS) else "Other"
    _CHAR_SCRIPT[ch] = name
    return name


def _latin_only(rest: str, chars: Set[str]) -> int | None:
    r"""The number of Latin letters in ``rest`` (whose distinct characters are ``chars``) when
    all its other characters are of no script (punctuation, symbols), else None.

    Then the regex path of script_counts counts exactly these: Latin is a property of each
    character, and a run of another script or of letters never starts at, nor takes in, a
    character none of those patterns matches alone. Other letters (a script run, or
    ``\p{L}+`` running across scripts) depend on their neighbours: left to the regexes.
    """
    latin = len(rest)
    for ch in chars:
        name = _char_script(ch)
        if name is None:
            latin -= rest.count(ch)
        elif name != "Latin":
            return None
    return latin


def dominant_script(text: str, sample: int = 20000) -> str:
    """The script with the most letters in the first ``sample`` characters, or ``"None"``."""
    chunk = text[:sample]
    if chunk.isascii():  # ASCII letters are Latin
        return "Latin" if _ASCII_LETTER_RE.search(chunk) else "None"
    raw, rest, chars = _encoded(chunk)
    latin = _latin_only(rest, chars) if len(rest) <= _FEW_NON_ASCII else None
    if latin is not None:  # script_counts would count Latin letters alone: any will do
        return "Latin" if latin or _ASCII_LETTER_RE.search(chunk) else "None"
    counts = _script_counts(raw, rest, None)
    if not counts:
        return "None"
    # Japanese mixes Han and kana: count them together.
    if counts["Hiragana"] + counts["Katakana"] > 0.1 * counts["Han"] and counts["Han"]:
        counts["Hiragana"] += counts.pop("Han")
    return counts.most_common(1)[0][0]


@lru_cache(maxsize=4096)
def line_script(line: str) -> tuple[str, int]:
    """(dominant script, number of letters) of a short text."""
    counts = script_counts(line)
    if not counts:
        return "None", 0
    name, _ = counts.most_common(1)[0]
    return name, sum(counts.values())


def _lower_words(text: str) -> list[bytes]:
    r"""The UTF-8 bytes of the runs of letters (``\p{L}+``) of ``text.lower()``, without running
    a regex over the text nor lower-casing all of it.

    Each of the few distinct non-ASCII characters that is not a letter or changes in lower case
    is replaced (str.replace) by its lower case with the non-letters made spaces (str.lower maps
    character by character, except a capital sigma: it may become ``ς`` there and ``σ`` here; no
    stopword holds either; lower-casing twice changes nothing, so the order of the replacements
    does not matter). Then one bytes.translate lower-cases the ASCII letters and makes the other
    ASCII characters spaces, and bytes.split() cuts exactly the runs of letters.
    """
    if not text.isascii():
        for ch in _encoded(text)[2]:
            new = _FOLDED[ch] if ch in _FOLDED else _FOLDED.setdefault(ch, _fold(ch))
            if new is not None:
                text = text.replace(ch, new)
    return text.encode("utf-8", "surrogatepass").translate(_ASCII_LOWER_LETTERS).split()


#: character -> what _lower_words puts in its place, None when it stays
_FOLDED: dict[str, str | None] = {}


def _fold(ch: str) -> str | None:
    """``ch`` lower-cased with its non-letters made spaces; None when that is ``ch``."""
    lower = ch.lower()
    if lower == ch and _is_letter(ch):
        return None
    return "".join(c if _is_letter(c) else " " for c in lower)


def _non_ascii(raw: bytes) -> str:
    """The non-ASCII characters of a text, in order, from its UTF-8 bytes ``raw`` (the bytes
    without the ASCII ones: no regex over the text)."""
    return raw.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")


@lru_cache(maxsize=1)
def _encoded(text: str) -> tuple[bytes, str, frozenset[str]]:
    """(UTF-8 bytes, non-ASCII characters in order, the distinct ones) of ``text``; the last
    answer is kept: dominant_script (its first 20,000 characters) and then guess_language (its
    first 8,000) ask it of the same text for a document of up to 8,000 characters, most of them."""
    raw = text.encode("utf-8", "surrogatepass")
    rest = _non_ascii(raw)
    return raw, rest, frozenset(rest)


#: character -> whether it is a letter (\p{L})
_IS_LETTER: dict[str, bool] = {}


def _is_letter(ch: str) -> bool:
    """``_LETTER.match(ch)``, cached per character."""
    known = _IS_LETTER.get(ch)
    if known is None:
        known = _IS_LETTER[ch] = _LETTER.match(ch) is not None
    return known


#: letters of the Arabic script that one of its languages writes and the others do not (or
#: seldom): Urdu's retroflex letters, yeh barree and noon ghunna; Persian's پ چ ژ گ and its own
#: yeh and kaf (ی ک, where Arabic writes ي ك); Arabic's ta marbuta and alef maksura
_URDU_LETTERS = "\u0679\u0688\u0691\u06ba\u06d2\u06c1\u06be"
_PERSIAN_LETTERS, _PERSIAN_YEH_KAF = "\u067e\u0686\u0698\u06af", "\u06cc\u06a9"
_ARABIC_TA_MARBUTA, _ARABIC_YEH_KAF = "\u0629", "\u064a\u0643\u0649"


#: function words only Persian or only Arabic writes. Persian's are kept in the spellings an
#: Arabic keyboard types (اين, براي, with ي ك for ی ک) only when Arabic does not write them too:
#: not كرد (Kurds), مي (the name May), هاي, شد (he pulled), شده (شدة typed with heh), يك (لم يك),
#: اين (أين, where, without its hamza)
_PERSIAN_WORDS = frozenset(["را", "است", "این", "که", "كه", "از", "با", "برای", "براي", "می", "های", "بود", "یک", "خود", "نیز", "نيز", "کرد", "کند", "شود", "باید"])
_ARABIC_WORDS = frozenset(["في", "على", "إلى", "الى", "التي", "الذي", "عن", "أن", "هذا", "هذه", "كان", "قد", "ذلك", "كما", "أو", "لم", "وقد"])

#: punctuation (Unicode category P: ، ؛ ؟ « » . ( ) ...) and the zero-width non-joiner (the
#: Persian می‌ and ‌های are written joined to their word by it) made spaces before the words are
#: cut: a function word next to a comma or inside quotes still counts
_WORD_SEPARATORS = compile_regex(r"[\p{P}\u200c]+")


def _arabic_script_language(chunk: str) -> tuple[str, float]:
    """Arabic, Persian or Urdu, from the letters and the function words only one of them writes.

    The function words (cut at spaces, punctuation and ZWNJ) decide when one language has two or
    more and three times the other's (Persian typed on an Arabic keyboard, ي ك for ی ک, still
    writes را, از, براي); else the
    letters: پ چ ژ گ count double, and so does Arabic's ta marbuta, frequent in Arabic and rare
    in Persian. Without any such letter or word: Arabic, with the confidence of a guess (0.5).
    """
    count = chunk.count
    persian = 2 * sum(map(count, _PERSIAN_LETTERS)) + sum(map(count, _PERSIAN_YEH_KAF))
    urdu = sum(map(count, _URDU_LETTERS))
    if urdu >= 3 and urdu * 5 >= persian:
        return "ur", 0.9
    words = _WORD_SEPARATORS.sub(" ", chunk).split()
    persian_words = sum(map(_PERSIAN_WORDS.__contains__, words))
    arabic_words = sum(map(_ARABIC_WORDS.__contains__, words))
    # the words decide when they agree enough: an Arabic keyboard's ي ك in Persian text are
    # no evidence of Arabic
    if persian_words >= 2 and persian_words >= 3 * arabic_words:
        return "fa", round(persian_words / (persian_words + arabic_words), 3)
    if arabic_words >= 2 and arabic_words >= 3 * persian_words:
        return "ar", round(arabic_words / (persian_words + arabic_words), 3)
    arabic = 2 * count(_ARABIC_TA_MARBUTA) + sum(map(count, _ARABIC_YEH_KAF))
    if persian + arabic == 0:
        return "ar", 0.5
    if persian > arabic:
        return "fa", round(persian / (persian + arabic), 3)
    return "ar", round(arabic / (persian + arabic), 3)


def guess_language(text: str, script: str | None = None, sample: int = 8000) -> tuple[str, float]:
    """(ISO 639-1 code, confidence in 0..1) from the script and stopword hits.

    ``und`` with confidence 0 when there is too little evidence.
    """
    chunk = text[:sample]
    script = script or dominant_script(chunk)
    if script == "Arabic":
        if _CP1256_MOJIBAKE.search(chunk):
            chunk = _CP1256_MOJIBAKE.sub(" ", chunk)  # its ڑ ں ھ are no Urdu
        return _arabic_script_language(chunk)
    if script in _SCRIPT_LANGUAGE:
        return _SCRIPT_LANGUAGE[script], 0.9
    if script not in _CANDIDATES:
        return "und", 0.0
    if script == "Cyrillic" and ("Р" in chunk or "С" in chunk) and _CP1251_MOJIBAKE.search(chunk):
        chunk = _CP1251_MOJIBAKE.sub(" ", chunk)  # its і ї є are not Ukrainian's
    words = _lower_words(chunk)
    if not words:
        return "und", 0.0
    if script == "Cyrillic" and any(ch in chunk for ch in "іїєґІЇЄҐ"):
        # Ukrainian's own letters, more than Russian's: a Russian text that names `Київ` is not
        # Ukrainian, nor one with a line of cp1251 mojibake (`РІ` is `в` read as cp1251)
        uk = len(_UK_LETTER.findall(chunk))
        if uk > sum(map(chunk.count, "ыэёЫЭЁ")):
            return "uk", 0.9
    group_of, groups = _WORD_GROUPS[script]
    scores = dict.fromkeys(_CANDIDATES[script], 0)
    # the stopword occurrences alone (filtered in C), counted per group; then a few lookups
    for g, n in Counter(map(group_of.__getitem__, filter(group_of.__contains__, words))).items():
        for lang in groups[g]:
            scores[lang] += n
    for a, a_letters, b, b_letters in _LETTER_PAIRS:
        if scores.get(a) and scores.get(b):
            n_a, n_b = sum(map(chunk.count, a_letters)), sum(map(chunk.count, b_letters))
            if n_a != n_b:  # the letters of one and not the other: its neighbour's hits were shared words
                scores[b if n_a > n_b else a] = 0
    best = max(scores, key=scores.__getitem__)
    total = sum(scores.values())
    if scores[best] < 2:
        return "und", 0.0
    # confidence: share of the stopword hits that went to the best language
    return _CODE.get(best, best), round(scores[best] / total, 3)
