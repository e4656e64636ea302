"""German words of the one-line /cramp report (see core/vocabulary/__init__.py).

Accents are folded (``fold_accents``): "Rücken" and "Rucken" are one word; the "ae/oe/ue/ss"
spellings people type without umlauts are listed as words of their own ("Ruecken", "Fuss").
"Laufen" is both running and walking in German, so it is asked about like "gehen".
"""

from core.diary import Context, Duration, Place, SpasmKind, Symptom
from core.vocabulary import Ambiguity, Vocabulary

VOCABULARY = Vocabulary(
    words={
        SpasmKind.CRAMP: ("krampf", "krämpfe", "kraempfe", "krampfen", "verkrampft",
                          "muskelkrampf", "muskelkrämpfe", "muskelkraempfe", "spasmus",
                          "spasmen", "muskelspasmus", "muskelspasmen"),
        SpasmKind.TWITCH: ("zucken", "zuckung", "zuckungen", "zuckt", "muskelzucken",
                           "faszikulation", "faszikulationen"),
        SpasmKind.STIFFNESS: ("steifheit", "steif", "steife", "steifes", "muskelsteifheit",
                              "verspannt", "verspannung", "verspannungen"),
        # A "Wadenkrampf" is a cramp (the default kind) in the calf.
        Place.CALF: ("wade", "waden", "wadenkrampf", "wadenkrämpfe", "wadenkraempfe",
                     "wadenmuskel", "wadenmuskulatur"),
        Place.FOOT: ("fuß", "fuss", "füße", "fuesse", "fusse", "zeh", "zehe", "zehen",
                     "fußsohle", "fusssohle", "fußsohlen", "fusssohlen", "sohle", "fußkrampf",
                     "fusskrampf"),
        Place.HAMSTRING: ("oberschenkelrückseite", "oberschenkelrueckseite", "beinbeuger",
                          "hamstring", "hamstrings", "hinterer-oberschenkel"),
        Place.QUADRICEPS: ("oberschenkel", "quadrizeps", "quadriceps", "quads", "schenkel",
                           "oberschenkelmuskel", "vorderer-oberschenkel"),
        Place.BACK: ("rücken", "ruecken", "kreuz", "rückenmuskel", "rueckenmuskel"),
        Place.NECK: ("nacken", "hals", "genick"),
        Place.ARM: ("hand", "hände", "haende", "arm", "arme", "armen", "finger", "fingern",
                    "handgelenk", "handgelenke", "unterarm", "unterarme", "oberarm",
                    "oberarme", "daumen"),
        Place.ABDOMEN: ("bauch", "magen", "bauchmuskel", "bauchmuskeln", "bauchmuskulatur",
                        "unterbauch"),
        Place.OTHER: ("anderes", "andere", "anderswo", "woanders", "sonstiges"),
        Duration.STILL_GOING: ("andauernd", "anhaltend", "noch", "hält-noch-an"),
        Context.JUST_NOW: ("jetzt", "gerade", "eben", "soeben", "gerade-eben"),
        Context.NIGHT: ("nachts", "nacht", "nächtlich", "naechtlich", "nächtliche",
                        "naechtliche", "bett", "schlaf", "schlafen", "einschlafen",
                        "aufgewacht", "nachtkrampf", "nachtkrämpfe", "nachtkraempfe"),
        Context.EXERCISE: ("sport", "training", "trainieren", "workout", "joggen", "rennen",
                           "fitnessstudio", "fitness", "gym", "radfahren", "radeln",
                           "fahrrad", "schwimmen", "wandern", "fußball", "fussball",
                           "aufwärmen", "aufwaermen", "warmmachen", "spazieren",
                           "spaziergang", "spazierengehen", "beim-gehen"),
        Context.REST: ("ruhe", "sitzen", "sitzend", "liegen", "liegend", "sofa", "couch",
                       "ausruhen", "fernsehen"),
        Context.EARLIER: ("vorhin", "heute", "früher", "frueher", "morgen", "morgens",
                          "vormittag", "vormittags", "mittag", "mittags", "nachmittag",
                          "nachmittags", "abend", "abends"),
        Symptom.SWELLING: ("schwellung", "schwellungen", "geschwollen", "rot", "rötung",
                           "roetung", "gerötet", "geroetet", "wärme", "waerme", "überwärmt",
                           "ueberwaermt", "entzündet", "entzuendet", "fühlt-sich-warm-an"),
        Symptom.WEAKNESS: ("schwäche", "schwaeche", "schwach", "kraftlos", "muskelschwäche",
                           "muskelschwaeche"),
        Symptom.NUMBNESS: ("taubheit", "taub", "taubheitsgefühl", "taubheitsgefuehl",
                           "kribbeln", "kribbelt", "kribbelig", "pelzig", "gefühllos",
                           "gefuehllos", "ameisenlaufen"),
        Symptom.WALKING: ("humpeln", "humple", "hinken", "hinke", "gehprobleme",
                          "probleme-beim-gehen", "kann-nicht-greifen"),
        Symptom.INTERRUPTED: ("unterbrochen", "abgebrochen", "musste-aufhören"),
        Symptom.NO_REASON: ("grundlos", "unerklärlich", "unerklaerlich", "ohne-grund"),
    },
    phrases={
        **dict.fromkeys([("gerade", "eben"), ("eben", "gerade")], "gerade-eben"),
        **dict.fromkeys([(h, "noch", "an") for h in ("hält", "haelt", "dauert")]
                        + [("immer", "noch"), ("noch", "da"), ("noch", "nicht", "vorbei")],
                        "hält-noch-an"),
        **dict.fromkeys([(b, w) for b in ("beim", "nach", "während")
                         for w in ("gehen", "laufen", "spazieren", "spazierengehen")]
                        + [("nach", "dem", "gehen"), ("nach", "dem", "laufen")],
                        "beim-gehen"),
        **dict.fromkeys([(h, "oberschenkel") for h in ("hinterer", "hinteren", "hintere",
                                                       "hinterem")]
                        + [("oberschenkel", "hinten"), ("oberschenkel", "rückseite"),
                           ("oberschenkel", "rueckseite")], "hinterer-oberschenkel"),
        **dict.fromkeys([("oberschenkel", "vorne"), ("oberschenkel", "vorn")]
                        + [(v, "oberschenkel") for v in ("vorderer", "vorderen", "vordere",
                                                         "vorderem")],
                        "vorderer-oberschenkel"),
        **dict.fromkeys([(p, b, w) for p in ("probleme", "schwierigkeiten", "mühe", "muehe")
                         for b in ("beim", "mit", "zu")
                         for w in ("gehen", "laufen")]
                        + [("kann", n, w) for n in ("nicht", "kaum", "schlecht")
                           for w in ("gehen", "laufen", "auftreten")],
                        "probleme-beim-gehen"),
        **dict.fromkeys([("kann", n, w) for n in ("nicht", "nichts", "kaum", "schlecht")
                         for w in ("greifen", "halten", "festhalten")]
                        + [(p, "beim", w) for p in ("probleme", "schwierigkeiten", "mühe",
                                                    "muehe")
                           for w in ("greifen", "halten", "festhalten")],
                        "kann-nicht-greifen"),
        **dict.fromkeys([(f, "sich", "warm", "an") for f in ("fühlt", "fuehlt")]
                        + [("warm", "an", "der", "stelle"), ("stelle", "ist", "warm"),
                           ("warm", "beim", "anfassen"), ("heiß", "beim", "anfassen"),
                           ("heiss", "beim", "anfassen")], "fühlt-sich-warm-an"),
        **dict.fromkeys([("musste", a) for a in ("aufhören", "aufhoeren", "abbrechen",
                                                  "stoppen", "pausieren")]
                        + [("hat", "mich", "unterbrochen"), ("hat", "mich", "gestoppt")],
                        "musste-aufhören"),
        **dict.fromkeys([("ohne", "grund"), ("kein", "grund"), ("ohne", "klaren", "grund"),
                         ("kein", "klarer", "grund"), ("ohne", "erkennbaren", "grund"),
                         ("aus", "heiterem", "himmel"), ("einfach", "so")], "ohne-grund"),
    },
    ambiguous={
        **dict.fromkeys(("gehen", "gehe", "laufen", "laufe"), Ambiguity.WALK),
        "warm": Ambiguity.WARM,
        **dict.fromkeys(("halten", "greifen", "festhalten", "halte", "greife"), Ambiguity.GRIP),
    },
    filler=frozenset((
        "in", "im", "am", "an", "ans", "bei", "beim", "mit", "von", "vom", "für", "fuer",
        "auf", "nach", "während", "waehrend", "zu", "und", "-", "mein", "meine", "meinem",
        "meinen", "meiner", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen",
        "einem", "einer", "links", "rechts", "linke", "linken", "linker", "linkes", "rechte",
        "rechten", "rechter", "rechtes", "beide", "beiden", "beidseitig", "diese", "dieser",
        "diesem", "unten", "oben", "untere", "unteren", "unterer", "obere", "oberen", "oberer",
        "vorne", "vorn", "ich", "hatte", "habe",
    )),
    units={
        **dict.fromkeys(("s", "sek", "sec", "sekunde", "sekunden"), 1),
        **dict.fromkeys(("m", "min", "mins", "minute", "minuten"), 60),
        **dict.fromkeys(("h", "std", "stunde", "stunden"), 3600),
    },
    articles=frozenset(("eine",)),
    one_units=frozenset(("sek", "sekunde", "min", "minute", "std", "stunde")),
    out_of=("von",),
    and_words=frozenset(("und",)),
    fold_accents=True,
)  # fmt: skip
