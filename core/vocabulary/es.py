"""Spanish words of the one-line /cramp report (see core/vocabulary/__init__.py).

TRANSLATORS: the English words below are placeholders: replace each meaning's words with
the Spanish words people type for it (every form people use: singular, plural, cases), keep
every key, and follow bot/locales/GLOSSARY.md. Phrases are the words, lower case, as typed,
mapped to a key listed under `words` (join its words with "-"). `ambiguous` lists the words
that could mean either a symptom or an activity (asked about, never guessed). `units` are
the duration units people type after a number ("3 мин", "3min", "3 Min").
"""

from core.diary import Context, Duration, Place, SpasmKind, Symptom
from core.vocabulary import Ambiguity, Vocabulary

VOCABULARY = Vocabulary(
    words={
        SpasmKind.CRAMP: ("cramp", "cramps", "cramping", "spasm", "spasms"),
        SpasmKind.TWITCH: ("twitch", "twitches", "twitching", "twitchy", "fasciculation",
                           "fasciculations"),
        SpasmKind.STIFFNESS: ("stiffness", "stiff"),
        Place.CALF: ("calf", "calves"),
        Place.FOOT: ("foot", "feet", "toe", "toes"),
        Place.HAMSTRING: ("hamstring", "hamstrings"),
        Place.QUADRICEPS: ("quad", "quads", "quadricep", "quadriceps", "thigh", "thighs"),
        Place.BACK: ("back",),
        Place.NECK: ("neck",),
        Place.ARM: ("hand", "hands", "arm", "arms", "finger", "fingers", "wrist", "wrists",
                    "forearm", "forearms"),
        Place.ABDOMEN: ("abdomen", "belly", "stomach", "abs", "tummy", "abdominal",
                        "abdominals"),
        Place.OTHER: ("other",),
        Duration.STILL_GOING: ("ongoing", "still", "still-going"),
        Context.JUST_NOW: ("now", "just-now"),
        Context.NIGHT: ("night", "nocturnal", "bed", "asleep", "sleep", "sleeping",
                        "overnight"),
        Context.EXERCISE: ("exercise", "exercising", "workout", "running", "run", "jogging",
                           "sport", "sports", "training", "gym", "hiking", "cycling",
                           "swimming", "warm-up", "warmup", "warming-up", "while-walking"),
        Context.REST: ("rest", "resting", "sitting", "sofa", "couch"),
        Context.EARLIER: ("earlier", "today", "morning", "afternoon", "evening"),
        Symptom.SWELLING: ("swelling", "swollen", "red", "redness", "warmth", "inflamed",
                           "warm-to-the-touch"),
        Symptom.WEAKNESS: ("weak", "weakness"),
        Symptom.NUMBNESS: ("numb", "numbness", "tingling", "tingle", "tingly", "pins",
                           "needles", "pins-and-needles"),
        Symptom.WALKING: ("trouble-walking", "limping", "limp", "cant-grip"),
        Symptom.INTERRUPTED: ("interrupted", "stopped-me"),
        Symptom.NO_REASON: ("unexplained", "no-reason"),
    },
    phrases={
        **dict.fromkeys([("just", "now")], "just-now"),
        **dict.fromkeys([("still", "going")], "still-going"),
        **dict.fromkeys([(w, "walking") for w in ("while", "when", "during", "after")]
                        + [("on", "a", "walk"), ("out", "walking")], "while-walking"),
        **dict.fromkeys([("warming", "up"), ("warm", "up")], "warming-up"),
        **dict.fromkeys([("trouble", "walking"), ("difficulty", "walking"),
                         ("hard", "to", "walk"), ("unable", "to", "walk"), ("can't", "walk"),
                         ("cant", "walk"), ("cannot", "walk"), ("can", "not", "walk")],
                        "trouble-walking"),
        **dict.fromkeys([("can't", "grip"), ("cant", "grip"), ("cannot", "grip"),
                         ("can't", "hold"), ("cant", "hold"), ("cannot", "hold"),
                         ("trouble", "holding"), ("trouble", "gripping")], "cant-grip"),
        **dict.fromkeys([("warm", "to", "the", "touch"), ("hot", "to", "the", "touch")],
                        "warm-to-the-touch"),
        **dict.fromkeys([("stopped", "me"), ("had", "to", "stop")], "stopped-me"),
        **dict.fromkeys([("no", "reason"), ("no", "clear", "reason"),
                         ("for", "no", "reason")], "no-reason"),
    },
    ambiguous={
        **dict.fromkeys(("walking", "walk"), Ambiguity.WALK),
        "warm": Ambiguity.WARM,
        **dict.fromkeys(("hold", "holding", "grip", "gripping"), Ambiguity.GRIP),
    },
    filler=frozenset((
        "in", "my", "the", "a", "an", "at", "and", "left", "right", "both", "of", "for",
        "with", "-", "during", "on", "this", "lower", "upper", "while", "after", "when",
    )),
    units={
        **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
        **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
        **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    },
    articles=frozenset(("a", "an")),
    one_units=frozenset(("sec", "second", "min", "minute", "hr", "hour")),
    out_of=("out", "of"),
    and_words=frozenset(("and",)),
    fold_accents=True,
)  # fmt: skip
