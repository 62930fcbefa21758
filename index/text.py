"""The one text layer: words, stems, stop words, numbers and names, for indexing, grounding and evals.

Everything that compares words across texts goes through here, so "bombings" meets "bombing" the same
way in BM25, in the support check and in the relevance check. Stems are Snowball's English stemmer
(PyStemmer, C); names are Unicode-aware ("Émile", "Æthelred", "Åsa"); numbers are read from digits
("2,000", "1.8"), words ("two thousand", "forty-one"), ordinals ("90th", "third") and score-like pairs
("3-1", kept whole so "2-1" does not support "3-1").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

__all__ = [
    "WORD", "MARKER", "NEGATION", "POLARITY", "REPORTING", "STOPWORDS", "fold", "words", "stem", "stems",
    "content_words", "numbers", "names", "same_name", "acronyms", "spelled_out", "thing_stem", "same_thing",
    "related_stems", "lower_initials", "name_key", "name_phrases", "phrase_held", "MONTHS",
    "UNIT_WORDS", "TEN_WORDS",
]

# A word starts with a letter (any script) and runs over letters, digits, apostrophes and hyphens.
WORD = re.compile(r"[^\W\d_][\w'’-]*")
MARKER = re.compile(r"\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]")
# Words that state something was not done or said ("did not say", "declined to comment", "has yet to").
NEGATION = re.compile(r"\b(?:not|no|never|nor|yet to|declined|refused)\b|n't\b", re.IGNORECASE)
# Words that make a statement say what is not, or seldom, so: NEGATION's and the other closed-class ones.
POLARITY = re.compile(rf"{NEGATION.pattern}|\b(?:rarely|seldom|hardly|barely|neither|none|without|cannot|non)\b",
                      re.IGNORECASE)
# A verb reporting what someone said or wrote: "X said …", "X described …", "X claimed …".
REPORTING = re.compile(
    r"\b(?:said|says|told|tells|stated|states|reported|reports|described|describes|claimed|claims|alleged|"
    r"alleges|suggested|suggests|proposed|proposes|announced|announces|insisted|insists|maintained|maintains|"
    r"estimated|estimates|confirmed|confirms|denied|denies|wrote|writes|noted|notes|argued|argues|added|adds)\b",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    """a about above according after again against all also although amid an and any are as at be because
    been before being both but by can could did do does doing during each either even first for from further
    had has have having he her here hers him his how however i if in instead into is it its itself just later
    many may meanwhile might more most much my neither no nor not of off on once only or other our ours out
    over own people same says say said she should since so some still such than that the their theirs them
    then there these they this those though through thus to too today under until up upon very was we were
    what when where whether which while who whom whose why will with would yesterday yet you your
    accordingly additionally besides consequently finally furthermore hence likewise moreover nevertheless
    nonetheless otherwise overall similarly therefore""".split()
)
_STEMMER = Stemmer.Stemmer("english")


# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
                               "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D"})


def fold(text: str) -> str:
    """Lower case without accents and with straight apostrophes ("Émile’s" -> "emile's", "Łódź" -> "lodz")."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    """The words of a text, as written."""
    return WORD.findall(text)


def name_key(word: str) -> str:
    """A word as names are compared: folded, without its possessive or edge apostrophes and hyphens
    ("Émile's" -> "emile")."""
    return fold(word).removesuffix("'s").strip("'-")


# English's irregular verb forms and plurals, which Snowball leaves apart from their word ("sold" and
# "selling", "children" and "child"). Forms that are as often another word are left out: "bit", "lay",
# "ground", "found" (also "to found"), "saw", "felt", "left", "spoke", "lead".
_IRREGULAR = {
    form: base
    for base, forms in (
        entry.strip().split(":") for entry in """
        arise:arose arisen|bear:bore borne|beat:beaten|become:became|begin:began begun|bend:bent|bite:bitten|
        bleed:bled|blow:blew blown|break:broke broken|bring:brought|build:built|burn:burnt|buy:bought|
        catch:caught|choose:chose chosen|come:came|creep:crept|deal:dealt|dig:dug|draw:drew drawn|
        drink:drank drunk|drive:drove driven|eat:ate eaten|fall:fell fallen|feed:fed|fight:fought|flee:fled|
        fly:flew flown|forbid:forbade forbidden|forget:forgot forgotten|forgive:forgave forgiven|
        freeze:froze frozen|get:got gotten|give:gave given|go:went gone|grow:grew grown|hang:hung|hear:heard|
        hide:hid hidden|hold:held|keep:kept|know:knew known|lend:lent|lose:lost|make:made|mean:meant|meet:met|
        mislead:misled|overcome:overcame|pay:paid|ride:rode ridden|ring:rang rung|rise:rose risen|run:ran|
        seek:sought|sell:sold|send:sent|shake:shook shaken|shine:shone|shoot:shot|show:shown|
        shrink:shrank shrunk|sing:sang sung|sink:sank sunk|sit:sat|sleep:slept|slide:slid|speak:spoken|
        spend:spent|spin:spun|stand:stood|steal:stole stolen|stick:stuck|sting:stung|strike:struck stricken|
        swear:swore sworn|sweep:swept|swim:swam swum|swing:swung|take:took taken|teach:taught|tear:tore torn|
        tell:told|think:thought|throw:threw thrown|understand:understood|undertake:undertook undertaken|
        uphold:upheld|wake:woke woken|wear:wore worn|win:won|withdraw:withdrew withdrawn|withhold:withheld|
        write:wrote written|man:men|woman:women|child:children|foot:feet|tooth:teeth|mouse:mice|goose:geese
        """.replace("\n", "").strip().split("|")
    )
    for form in forms.split()
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball English stem of a folded word without its possessive ("Bombings" -> "bomb"); an irregular
    form is its word's ("sold" -> "sell", "children" -> "child")."""
    key = name_key(word)
    return str(_STEMMER.stemWord(_IRREGULAR.get(key, key)))


# A noun naming who does something ("attackers", "officers", "protesters"), which Snowball stems as the deed
# ("attack", "offic", "protest"): counted, who attacked is another thing than the attack.
_DOER = re.compile(r"(er|or)s?$")


def thing_stem(word: str) -> str:
    """A counted noun's stem, keeping the doer's ending Snowball drops: "attackers" -> "attacker" (not the
    "attack"), "officers" -> "officer" (not the "office"); any other word's stem is ``stem``'s."""
    s = stem(word)
    m = _DOER.search(word.lower())
    return s + m.group(1) if m and not s.endswith(m.group(1)) else s


def same_thing(a: str, b: str) -> bool:
    """Whether two thing stems name one thing: related stems, unless one is the other's doer ("attacker" and
    "attack")."""
    short, long = sorted((a, b), key=len)
    return related_stems(a, b) and long[len(short):] not in ("er", "or")


def stems(text: str) -> list[str]:
    """Stems of every word, stop words included, in order."""
    return [stem(w) for w in words(text)]


def content_words(text: str, min_len: int = 3) -> set[str]:
    """Stems of the words that carry content: not stop words, at least ``min_len`` letters."""
    return {stem(w) for w in words(text) if len(w) >= min_len and fold(w) not in STOPWORDS}


# -- numbers ------------------------------------------------------------------------------------------

# Number words and their values, shared by every reader of numbers (UNIT_WORDS: zero to nineteen).
UNIT_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
TEN_WORDS = {
    w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100,
}
_PAIR = re.compile(r"(?<![\w.,])(\d+)\s*[-–]\s*(\d+)(?![\w,]|[.-]\d)")
# A number may carry an ordinal ending or a short unit written onto it: "90th", "10am", "5km", "1960s".
_DIGITS = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:st|nd|rd|th|[^\W\d_]{1,3})?(?![\w])")
_NUMBER_TOKEN = re.compile(r"[A-Za-z]+|\d[\d,.]*|\S")


def _digits(token: str) -> str:
    return token.replace(",", "")


def _word_numbers(text: str) -> set[str]:
    """Values of number words: "twenty-two thousand" -> 22000, "forty-one" -> 41, "ninth" -> 9."""
    found: set[str] = set()
    total = current = 0
    seen = False

    def flush() -> None:
        nonlocal total, current, seen
        if seen:
            found.add(str(total + current))
        total = current = 0
        seen = False

    for raw in re.findall(r"[A-Za-z]+|[^A-Za-z\s-]", text.replace("-", " ")):
        word = raw.lower()
        if word in UNIT_WORDS:
            current += UNIT_WORDS[word]
        elif word in TEN_WORDS:
            current += TEN_WORDS[word]
        elif word in _ORDINALS:
            current += _ORDINALS[word]
            seen = True
            flush()
            continue
        elif word in _SCALES and seen:
            scale = _SCALES[word]
            if scale == 100:
                current *= 100
            else:
                total, current = total + max(current, 1) * scale, 0
        elif word == "and" and seen:
            continue
        else:
            flush()
            continue
        seen = True
    flush()
    return found


def numbers(text: str) -> set[str]:
    """Numbers a text states, normalised: "1,000" -> "1000", "two thousand" -> "2000", "90th" -> "90";
    a pair such as a score "3-1" is one value, "3-1", not 3 and 1."""
    text = MARKER.sub(" ", text)
    found = {f"{a}-{b}" for a, b in _PAIR.findall(text)}
    rest = _PAIR.sub(" ", text)
    found |= {_digits(m.group(1)) for m in _DIGITS.finditer(rest)}
    return found | _word_numbers(rest)


# -- names --------------------------------------------------------------------------------------------

# Capitalised words that are not names: sentence openers, function words, titles, days.
_NOT_NAMES = STOPWORDS | frozenset(
    """president minister officials official article source sources earlier monday tuesday wednesday thursday
    friday saturday sunday""".split()
) | frozenset(UNIT_WORDS) | frozenset(TEN_WORDS) | frozenset(_SCALES) | frozenset(_ORDINALS)
# Endings that turn a name into its people or adjective ("Israel" -> "Israeli", "Iran" -> "Iranian").
_NAME_ENDINGS = ("i", "n", "an", "ian", "ese", "ish", "s", "es")


def names(text: str) -> set[str]:
    """Capitalised words that look like names, folded ("Émile's" -> "emile"); any script's capitals."""
    out = set()
    for word in words(MARKER.sub(" ", text)):
        key = name_key(word)
        if word[0].isupper() and key and key not in _NOT_NAMES:
            out.add(key)
    return out


# -- names of several words ---------------------------------------------------------------------------

# A name of two or more words is one name only with its words together: "the German Ghetto" is not stated
# by "German troops" and "the Warsaw Ghetto". A run of names ends at a lower-case word, punctuation, a
# possessive ("Soleimani's Quds Force" is two names), and at a capitalised word that names no one: a stop word
# ("The"), a title ("President Raisi" is "Raisi"), a day or a month ("In March Japan lifted…").
_PHRASE_WORD = re.compile(r"[^\W\d_][\w'’-]*|(?P<stop>[^\w\s'’-])")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")


def name_phrases(text: str) -> list[tuple[tuple[str, ...], bool]]:
    """The runs of two or more adjacent name words of a text, folded, each with whether it opens a sentence
    (its first word may then be capitalised only by grammar: "Later Smith scored")."""
    found: list[tuple[tuple[str, ...], bool]] = []
    run: list[str] = []
    initial = opens = True

    def end() -> None:
        if len(run) >= 2:
            found.append((tuple(run), opens))
        run.clear()

    for match in _PHRASE_WORD.finditer(MARKER.sub(" ", text)):
        word = match.group()
        key = name_key(word)
        if match.group("stop") or not word[0].isupper() or key in _NOT_NAMES or key in MONTHS or not key:
            end()
        else:
            if not run:
                opens = initial
            run.append(key)
            if fold(word).endswith("'s"):
                end()
        initial = bool(match.group("stop")) and word in ".!?"
    end()
    return found


def phrase_held(phrase: tuple[str, ...], text: str) -> bool:
    """Whether ``text`` writes the name ``phrase`` with its words in order and together, other capitalised
    words allowed between them ("President Raisi" in "Iranian President Ebrahim Raisi")."""
    tokens = [(name_key(w), w[0].isupper()) for w in words(MARKER.sub(" ", text))]
    for start, (key, _) in enumerate(tokens):
        if not same_name(phrase[0], key):
            continue
        k, j = 1, start + 1
        while k < len(phrase) and j < len(tokens):
            if same_name(phrase[k], tokens[j][0]):
                k += 1
            elif not tokens[j][1]:
                break
            j += 1
        if k == len(phrase):
            return True
    return False


# Where grammar capitalises a word: the start of the text, of a sentence, or of what follows a colon.
_INITIAL = re.compile(r"(^|[.!?:;]\s+|\n\s*)([^\W\d_])")


def lower_initials(text: str) -> str:
    """``text`` with the first letter of each sentence lower-cased: for reading the names of a short
    request ("Please tell me…", "Write down…"), where a first word is more often a verb than a name."""
    return _INITIAL.sub(lambda m: m.group(1) + m.group(2).lower(), text)


def related_stems(a: str, b: str) -> bool:
    """Stems of one word family where Snowball splits it ("injur"/"injuri", "burial"/"buri"): equal, or
    one at least four letters long that starts the other."""
    short, long = sorted((a, b), key=len)
    return short == long or (len(short) >= 4 and long.startswith(short))


# -- acronyms -----------------------------------------------------------------------------------------

# A run of capitalised words, with the short words a name keeps inside it ("Department of Energy"), and the
# numerals that end one ("World War II", "Apollo 11").
_RUN_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+|(?P<stop>[,;:()\[\]\"“”!?])")
_JOINERS = frozenset("of and for the on de".split())
_ROMAN = re.compile(r"[IVX]+")


def _runs(text: str) -> list[list[str]]:
    """Runs of capitalised words (joiners inside them kept, punctuation ending them), each at most eight words."""
    runs: list[list[str]] = [[]]
    for match in _RUN_WORD.finditer(MARKER.sub(" ", text)):
        word = match.group()
        if match.group("stop"):  # punctuation ends a run: "Uganda, Kenya and Ethiopia" spells no "uk"
            if runs[-1]:
                runs.append([])
        elif word[0].isupper() or (word.isdigit() and runs[-1]) or (word.lower() in _JOINERS and runs[-1]):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [r[:8] for r in runs if r]


def _spelled(part: list[str]) -> set[str]:
    """The folded acronyms one stretch of a run spells, its joiners spelled or not ("dod", "dd"); none for a
    stretch that starts or ends with a joiner."""
    if part[0].lower() in _JOINERS or part[-1].lower() in _JOINERS:
        return set()
    heads = [w if (_ROMAN.fullmatch(w) or w.isdigit()) else w[0] for w in part]
    kept = [h for h, w in zip(heads, part, strict=True) if w.lower() not in _JOINERS]
    return {fold("".join(heads)), fold("".join(kept))}


def _stretches(run: list[str]) -> list[list[str]]:
    """Every stretch of two or more consecutive words of a run."""
    return [run[i:j] for i in range(len(run)) for j in range(i + 2, len(run) + 1)]


def acronyms(text: str) -> set[str]:
    """Folded acronyms the capitalised runs of a text spell: "after World War II" -> {"wwii", "ww", "wii", …};
    "the United Nations" -> {"un"}. A claim writing "WWII" or "UN" states a name its source spells out."""
    return {a for run in _runs(text) for part in _stretches(run) for a in _spelled(part) if len(a) >= 2}


def spelled_out(text: str, short: set[str]) -> set[str]:
    """The folded names of the stretches of capitalised words of a text that spell one of the ``short``
    folded acronyms: "the United Nations and Iran" with {"un"} -> {"united", "nations"}."""
    return {
        fold(w).removesuffix("'s")
        for run in _runs(text)
        for part in _stretches(run)
        if _spelled(part) & short
        for w in part
        if w.lower() not in _JOINERS
    }


def same_name(a: str, b: str) -> bool:
    """Whether two folded names are one name, or one is the other plus a people/adjective ending."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and long.startswith(short) and long[len(short):] in _NAME_ENDINGS:
        return True
    # A country in -y and its people: "Germany" and "German", "Italy" and "Italian", "Hungary" and "Hungarian".
    country, people = (a, b) if a.endswith("y") else (b, a)
    root = country[:-1]
    if not country.endswith("y") or len(root) < 4:
        return False
    # The people as the country less its "y" only after "n" ("Germany"): "Gregory" is not "Gregor"'s country.
    if people in (root + "ian", root + "ians"):
        return True
    return root.endswith("n") and len(root) >= 5 and people in (root, root + "s")
