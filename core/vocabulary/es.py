"""Spanish words of the one-line /cramp report (see core/vocabulary/__init__.py).

Words are listed without accents where people often leave them out: `fold_accents` makes
"débil" and "debil", "todavía" and "todavia" the same word. Phrases are the words, lower
case, as typed, mapped to a key listed under `words` (or to a word listed there).
"dedo"/"dedos" alone is left out on purpose: it can be a toe or a finger, so only
"dedos del pie" and "dedos de la mano" are read. "dormido" is left out too: asleep (night),
or numb ("pierna dormida"); "se me durmió" is read as numb.
"""

from core.diary import Context, Duration, Place, SpasmKind, Symptom
from core.vocabulary import Ambiguity, Vocabulary

VOCABULARY = Vocabulary(
    words={
        SpasmKind.CRAMP: ("calambre", "calambres", "espasmo", "espasmos", "rampa", "rampas",
                          "acalambrado", "acalambrada", "acalambrados", "acalambradas"),
        SpasmKind.TWITCH: ("contraccion-involuntaria", "fasciculacion", "fasciculaciones",
                           "tic", "tics"),
        SpasmKind.STIFFNESS: ("rigidez", "rigido", "rigida", "rigidos", "rigidas",
                              "agarrotado", "agarrotada", "agarrotados", "agarrotadas",
                              "agarrotamiento"),
        Place.CALF: ("pantorrilla", "pantorrillas", "gemelo", "gemelos", "chamorro",
                     "chamorros"),
        Place.FOOT: ("pie", "pies", "planta", "plantas", "talon", "talones", "empeine",
                     "ortejo", "ortejos"),
        Place.HAMSTRING: ("isquiotibiales", "isquiotibial", "isquios", "isquio", "femoral",
                          "femorales"),
        Place.QUADRICEPS: ("cuadriceps", "cuadricep", "cuadris", "muslo", "muslos"),
        Place.BACK: ("espalda", "lumbar", "lumbares", "lumbago", "dorsal", "dorsales"),
        Place.NECK: ("cuello", "nuca", "cervical", "cervicales"),
        Place.ARM: ("mano", "manos", "brazo", "brazos", "muneca", "munecas", "antebrazo",
                    "antebrazos"),
        Place.ABDOMEN: ("abdomen", "abdominal", "abdominales", "barriga", "tripa", "panza",
                        "estomago", "vientre"),
        Place.OTHER: ("otro", "otra", "otros", "otras"),
        Duration.STILL_GOING: ("todavia-dura", "sigue", "continua", "persiste", "todavia",
                               "aun"),
        Context.JUST_NOW: ("ahora", "ahorita", "recien", "ahora-mismo"),
        Context.NIGHT: ("noche", "noches", "nocturno", "nocturna", "nocturnos", "nocturnas",
                        "anoche", "madrugada", "cama", "durmiendo", "dormir", "sueno"),
        Context.EXERCISE: ("ejercicio", "ejercicios", "entrenando", "entrenamiento",
                           "entreno", "entrenar", "deporte", "deportes", "gimnasio", "gym",
                           "gimnasia", "correr", "corriendo", "carrera", "running", "trotar",
                           "trotando", "footing", "jogging", "bici", "bicicleta", "ciclismo",
                           "nadar", "nadando", "natacion", "futbol", "partido", "senderismo",
                           "caminata", "paseo", "paseando", "caminaba", "andaba", "pesas",
                           "yoga", "pilates", "baile", "bailando", "calentamiento",
                           "calentando", "calentar", "al-caminar"),
        Context.REST: ("reposo", "descanso", "descansando", "sentado", "sentada", "sentados",
                       "sentadas", "sofa", "sillon", "quieto", "quieta"),
        Context.EARLIER: ("antes", "hoy", "temprano", "manana", "tarde", "mediodia",
                          "hace-un-rato"),
        Symptom.SWELLING: ("hinchazon", "hinchado", "hinchada", "hinchados", "hinchadas",
                           "inflamado", "inflamada", "inflamados", "inflamadas", "inflamacion",
                           "rojo", "roja", "rojos", "rojas", "enrojecido", "enrojecida",
                           "enrojecimiento", "rojez", "caliente", "calientes",
                           "caliente-al-tacto"),
        Symptom.WEAKNESS: ("debilidad", "debil", "debiles", "flojo", "floja", "flojos",
                           "flojas", "sin-fuerza"),
        Symptom.NUMBNESS: ("entumecimiento", "entumecido", "entumecida", "entumecidos",
                           "entumecidas", "adormecimiento", "adormecido", "adormecida",
                           "adormecidos", "adormecidas", "acorchado", "acorchada", "hormigueo",
                           "hormigueos", "cosquilleo", "cosquilleos", "parestesia",
                           "parestesias", "durmio"),
        Symptom.WALKING: ("dificultad-para-caminar", "cojeo", "cojera", "cojeando",
                          "no-puedo-agarrar"),
        Symptom.INTERRUPTED: ("interrumpido", "interrumpida", "interrumpio", "me-detuvo"),
        Symptom.NO_REASON: ("inexplicable", "sin-motivo"),
    },
    phrases={
        **dict.fromkeys([("contraccion", "involuntaria"), ("contracciones", "involuntarias"),
                         ("contraccion", "muscular", "involuntaria"),
                         ("contracciones", "musculares", "involuntarias")],
                        "contraccion-involuntaria"),
        **dict.fromkeys([(d, "del", "pie") for d in ("dedo", "dedos")]
                        + [(d, "de", "los", "pies") for d in ("dedo", "dedos")]
                        + [(d, "del", "pie") for d in ("planta", "plantas")], "pie"),
        **dict.fromkeys([(d, "de", a, m) for d in ("dedo", "dedos")
                         for a, m in (("la", "mano"), ("las", "manos"))], "mano"),
        **dict.fromkeys([("parte", "trasera", "del", "muslo"), ("parte", "de", "atras", "del",
                                                                "muslo"),
                         ("parte", "posterior", "del", "muslo"), ("detras", "del", "muslo"),
                         ("muslo", "posterior"), ("muslos", "posteriores")],
                        "isquiotibiales"),
        **dict.fromkeys([("parte", "delantera", "del", "muslo"), ("parte", "de", "delante",
                                                                  "del", "muslo"),
                         ("muslo", "anterior"), ("muslos", "anteriores")], "cuadriceps"),
        **dict.fromkeys([("boca", "del", "estomago")], "estomago"),
        **dict.fromkeys([("parte", "baja", "de", "la", "espalda")], "espalda"),
        **dict.fromkeys([("todavia", "dura"), ("aun", "dura"), ("sigue", "durando"),
                         ("todavia", "sigue"), ("aun", "sigue"), ("no", "se", "pasa"),
                         ("no", "se", "me", "pasa"), ("no", "se", "va"), ("en", "curso")],
                        "todavia-dura"),
        **dict.fromkeys([("ahora", "mismo"), ("justo", "ahora"), ("hace", "nada")],
                        "ahora-mismo"),
        **dict.fromkeys([("hace", "un", "rato"), ("hace", "rato"), ("mas", "temprano")],
                        "hace-un-rato"),
        **dict.fromkeys([(w, c) for w in ("al", "mientras", "cuando")
                         for c in ("caminar", "andar", "caminando", "andando")]
                        + [("de", "paseo")], "al-caminar"),
        **dict.fromkeys([("dificultad", p, v) for p in ("para", "al")
                         for v in ("caminar", "andar")]
                        + [(n, p, v) for n in ("no", "casi") for p in ("puedo", "podia", "pude")
                           for v in ("caminar", "andar")]
                        + [(m, "cuesta", v) for m in ("me", "le") for v in ("caminar", "andar")]
                        + [("cuesta", v) for v in ("caminar", "andar")], "dificultad-para-caminar"),
        **dict.fromkeys([(n, p, v) for n in ("no",) for p in ("puedo", "podia", "pude")
                         for v in ("agarrar", "sujetar", "sostener", "coger")]
                        + [("dificultad", p, v) for p in ("para", "al")
                           for v in ("agarrar", "sujetar", "sostener", "coger")]
                        + [("me", "cuesta", v) for v in ("agarrar", "sujetar", "sostener",
                                                         "coger")]
                        + [("cuesta", v) for v in ("agarrar", "sujetar", "sostener", "coger")],
                        "no-puedo-agarrar"),
        **dict.fromkeys([("caliente", "al", "tacto"), ("calor", "al", "tacto"),
                         ("calor", "en", "la", "zona"), ("zona", "caliente")],
                        "caliente-al-tacto"),
        **dict.fromkeys([("sin", "fuerza"), ("sin", "fuerzas"), ("falta", "de", "fuerza"),
                         ("pierdo", "fuerza"), ("perdida", "de", "fuerza")], "sin-fuerza"),
        **dict.fromkeys([("me", "detuvo"), ("me", "paro"), ("me", "hizo", "parar"),
                         ("me", "obligo", "a", "parar"), ("tuve", "que", "parar"),
                         ("tuve", "que", "dejarlo"), ("tuve", "que", "detenerme"),
                         ("me", "interrumpio")], "me-detuvo"),
        **dict.fromkeys([("sin", w) for w in ("motivo", "razon", "causa", "explicacion")]
                        + [("sin", w, a) for w in ("motivo", "razon", "causa")
                           for a in ("claro", "clara", "aparente")]
                        + [("de", "la", "nada")], "sin-motivo"),
    },
    ambiguous={
        **dict.fromkeys(("caminar", "caminando", "andar", "andando"), Ambiguity.WALK),
        "calor": Ambiguity.WARM,
        **dict.fromkeys(("agarrar", "agarrando", "sujetar", "sujetando", "sostener",
                         "sosteniendo", "coger", "cogiendo"), Ambiguity.GRIP),
    },
    filler=frozenset((
        "en", "el", "la", "los", "las", "lo", "un", "una", "unos", "unas", "mi", "mis", "de",
        "del", "al", "a", "y", "e", "o", "u", "con", "por", "para", "me", "se", "-", "izquierdo",
        "izquierda", "izquierdos", "izquierdas", "derecho", "derecha", "derechos", "derechas",
        "ambos", "ambas", "durante", "mientras", "despues", "tras", "cuando", "esta", "este",
        "zona", "bajo", "baja", "alto", "alta", "inferior", "superior",
    )),
    units={
        **dict.fromkeys(("s", "seg", "segs", "segundo", "segundos"), 1),
        **dict.fromkeys(("m", "min", "mins", "minuto", "minutos"), 60),
        **dict.fromkeys(("h", "hr", "hrs", "hora", "horas"), 3600),
    },
    articles=frozenset(("un", "una")),
    one_units=frozenset(("seg", "segundo", "min", "minuto", "hr", "hora")),
    out_of=("de",),
    and_words=frozenset(("y",)),
    fold_accents=True,
)  # fmt: skip
