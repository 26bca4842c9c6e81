"""Italian first, English second: locale negotiation and the server's own messages."""

from __future__ import annotations

import re

from flask import has_request_context, request

LOCALES = ("it", "en")
DEFAULT_LOCALE = "it"

# Messages the server writes itself, by key. Domain modules add theirs with
# ``register_messages`` so that every user-facing sentence lives in one catalogue.
_MESSAGES: dict[str, dict[str, str]] = {
    # One default per HTTP status.
    "http.400": {"it": "Richiesta non valida.", "en": "Bad request."},
    "http.401": {"it": "Devi accedere per continuare.", "en": "You need to sign in."},
    "http.403": {"it": "Non hai il permesso di farlo.", "en": "You are not allowed to do this."},
    "http.404": {"it": "Risorsa non trovata.", "en": "Not found."},
    "http.405": {"it": "Metodo non consentito.", "en": "Method not allowed."},
    "http.409": {
        "it": "La richiesta è in conflitto con lo stato attuale.",
        "en": "The request conflicts with the current state.",
    },
    "http.413": {"it": "La richiesta è troppo grande.", "en": "The request is too large."},
    "http.415": {
        "it": "Tipo di contenuto non supportato: usa application/json.",
        "en": "Unsupported content type: use application/json.",
    },
    "http.422": {
        "it": "Alcuni dati non sono validi: controlla i campi indicati.",
        "en": "Some data is not valid: check the fields listed.",
    },
    "http.429": {
        "it": "Troppe richieste: riprova tra poco.",
        "en": "Too many requests: try again shortly.",
    },
    "http.500": {
        "it": "Si è verificato un errore interno. Riprova più tardi.",
        "en": "An internal error occurred. Please try again later.",
    },
    "http.default": {"it": "Errore.", "en": "Error."},
    "error.malformed_json": {
        "it": "Il corpo della richiesta non è JSON valido.",
        "en": "The request body is not valid JSON.",
    },
    "error.json_too_large": {
        "it": "Il corpo JSON supera il limite di 1 MB.",
        "en": "The JSON body exceeds the 1 MB limit.",
    },
    "error.csrf": {
        "it": "Token CSRF mancante o non valido: ricarica la pagina e riprova.",
        "en": "Missing or invalid CSRF token: reload the page and try again.",
    },
    "error.invalid_cursor": {"it": "Cursore non valido.", "en": "Invalid cursor."},
    "error.nul_character": {
        "it": "Il testo contiene caratteri non ammessi (NUL).",
        "en": "The text contains characters that are not allowed (NUL).",
    },
    "error.lone_surrogate": {
        "it": "Il testo contiene caratteri non validi (surrogati Unicode isolati).",
        "en": "The text contains invalid characters (lone Unicode surrogates).",
    },
    "error.json_too_deep": {
        "it": "Il JSON è annidato troppo in profondità (al massimo 32 livelli).",
        "en": "The JSON is nested too deeply (at most 32 levels).",
    },
}

# marshmallow/webargs messages, translated for field errors.
_FIELD_MESSAGES_IT: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Missing data for required field\.$"), "Campo obbligatorio."),
    (re.compile(r"^Unknown field\.$"), "Campo sconosciuto."),
    (re.compile(r"^Field may not be null\.$"), "Il campo non può essere nullo."),
    (re.compile(r"^Not a valid string\.$"), "Non è un testo valido."),
    (re.compile(r"^Not a valid integer\.$"), "Non è un numero intero valido."),
    (re.compile(r"^Not a valid boolean\.$"), "Non è un valore vero/falso valido."),
    (re.compile(r"^Not a valid email address\.$"), "Indirizzo e-mail non valido."),
    (re.compile(r"^Not a valid date\.$"), "Data non valida."),
    (re.compile(r"^Not a valid datetime\.$"), "Data e ora non valide."),
    (re.compile(r"^Not a valid list\.$"), "Non è un elenco valido."),
    (re.compile(r"^Not a valid mapping type\.$"), "Non è un oggetto valido."),
    (re.compile(r"^Invalid input type\.$"), "Tipo di dato non valido."),
    (re.compile(r"^Invalid value\.$"), "Valore non valido."),
    (
        re.compile(r"^Shorter than minimum length (\d+)\.$"),
        r"Più corto della lunghezza minima (\1).",
    ),
    (
        re.compile(r"^Longer than maximum length (\d+)\.$"),
        r"Più lungo della lunghezza massima (\1).",
    ),
    (
        re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
        r"La lunghezza deve essere tra \1 e \2.",
    ),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        r"Deve essere compreso tra \1 e \2.",
    ),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), r"Deve essere almeno \1."),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), r"Deve essere al massimo \1."),
    (re.compile(r"^Must be one of: (.*)\.$"), r"Deve essere uno tra: \1."),
    (re.compile(r"^Invalid JSON body\.$"), "Il corpo della richiesta non è JSON valido."),
    (
        re.compile(r"^Must be a single line, without control characters\.$"),
        "Deve stare su una sola riga, senza a capo né caratteri di controllo.",
    ),
    (
        re.compile(r"^Contains control characters that are not allowed\.$"),
        "Contiene caratteri di controllo non ammessi.",
    ),
]


def register_messages(messages: dict[str, dict[str, str]]) -> None:
    for key, texts in messages.items():
        missing = set(LOCALES) - set(texts)
        if missing:
            raise ValueError(f"message {key!r} lacks {sorted(missing)}")
        _MESSAGES[key] = texts


def current_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    return request.accept_languages.best_match(LOCALES, default=DEFAULT_LOCALE)


def has_message(key: str) -> bool:
    return key in _MESSAGES


def translate(key: str, locale: str | None = None, **params) -> str:
    texts = _MESSAGES.get(key) or _MESSAGES["http.default"]
    text = texts.get(locale or current_locale(), texts[DEFAULT_LOCALE])
    return text.format(**params) if params else text


def translate_field_errors(errors, locale: str | None = None):
    """Translate marshmallow's English messages, recursively, keeping the structure."""
    locale = locale or current_locale()
    if isinstance(errors, dict):
        return {key: translate_field_errors(value, locale) for key, value in errors.items()}
    if isinstance(errors, list):
        return [translate_field_errors(value, locale) for value in errors]
    if isinstance(errors, str):
        if has_message(errors):
            return translate(errors, locale)
        if locale == "en":
            return errors  # marshmallow's own messages are English already
        for pattern, replacement in _FIELD_MESSAGES_IT:
            if pattern.match(errors):
                return pattern.sub(replacement, errors)
    return errors
