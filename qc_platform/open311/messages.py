"""User-facing texts of the Open311 facade (error descriptions, notices, labels)."""

from qc_platform.core.i18n import register_messages

register_messages(
    {
        "open311.invalid_api_key": {
            "it": "api_key non valida: usa un tuo token personale (POST /api/v1/auth/tokens).",
            "en": "Invalid api_key: use a personal token of yours (POST /api/v1/auth/tokens).",
        },
        "open311.api_key_required": {
            "it": "Per creare una richiesta serve api_key: un tuo token personale "
            "(POST /api/v1/auth/tokens).",
            "en": "Creating a request needs an api_key: a personal token of yours "
            "(POST /api/v1/auth/tokens).",
        },
        "open311.not_a_tenant": {
            "it": "Puoi inviare richieste solo sul complesso in cui sei riconosciuto/a "
            "come inquilino/a.",
            "en": "You can only send requests about the complex where you are a recognised tenant.",
        },
        "open311.service_code_required": {
            "it": "Manca service_code.",
            "en": "service_code was not provided.",
        },
        "open311.unknown_service": {
            "it": "service_code non trovato: {code}.",
            "en": "service_code not found: {code}.",
        },
        "open311.unknown_request": {
            "it": "service_request_id non trovato: {id}.",
            "en": "service_request_id not found: {id}.",
        },
        "open311.unknown_token": {
            "it": "Token non trovato. Qui le richieste sono create subito: la risposta a "
            "POST requests contiene già service_request_id.",
            "en": "Token not found. Requests are created at once here: the answer to "
            "POST requests already carries the service_request_id.",
        },
        "open311.unknown_address_id": {
            "it": "address_id non trovato: {id}. È l'id di un complesso (GET /api/v1/complexes).",
            "en": "address_id not found: {id}. It is the id of a complex (GET /api/v1/complexes).",
        },
        "open311.location_required": {
            "it": "Indica address_id (l'id del complesso) oppure lat e long.",
            "en": "Give address_id (the complex's id) or lat and long.",
        },
        "open311.no_complex_nearby": {
            "it": "Nessun complesso entro {metres} m dal punto indicato: usa address_id.",
            "en": "No complex within {metres} m of the point given: use address_id.",
        },
        "open311.invalid_parameter": {
            "it": "Valore non valido per {name}.",
            "en": "Invalid value for {name}.",
        },
        "open311.too_many_values": {
            "it": "Troppi valori per {name} (al massimo {limit}).",
            "en": "Too many values for {name} (at most {limit}).",
        },
        "open311.description_required": {
            "it": "Manca description: descrivi il problema.",
            "en": "description was not provided: describe the problem.",
        },
        "open311.description_too_long": {
            "it": "description supera i {limit} caratteri.",
            "en": "description exceeds {limit} characters.",
        },
        "open311.date_range_inverted": {
            "it": "end_date precede start_date.",
            "en": "end_date is before start_date.",
        },
        "open311.date_range_too_long": {
            "it": "L'intervallo tra start_date ed end_date supera i {days} giorni.",
            "en": "The range between start_date and end_date exceeds {days} days.",
        },
        "open311.form_required": {
            "it": "Invia i parametri come application/x-www-form-urlencoded.",
            "en": "Send the parameters as application/x-www-form-urlencoded.",
        },
        "open311.service_notice": {
            "it": "Prima risposta prevista entro {hours} ore lavorative dall'invio.",
            "en": "A first answer is due within {hours} working hours of sending.",
        },
        "open311.created_notice": {
            "it": "Segnalazione ricevuta e inoltrata. Prima risposta entro il {due} "
            "(ora di Milano).",
            "en": "Report received and routed. A first answer is due by {due} (Milan time).",
        },
        "open311.agency.custodian": {
            "it": "Custodi sociali del complesso",
            "en": "The complex's social custodians",
        },
        "open311.agency.committee": {
            "it": "Comitato inquilini: {name}",
            "en": "Tenants' committee: {name}",
        },
        "open311.agency.staff": {
            "it": "Personale del gestore",
            "en": "The housing manager's staff",
        },
        "open311.group": {"it": "Segnalazioni degli inquilini", "en": "Tenants' reports"},
        "open311.contact": {
            "it": "Quartieri Connessi: scrivi dalla pagina Segnalazioni della web app.",
            "en": "Quartieri Connessi: write from the Reports page of the web app.",
        },
        "open311.key_service": {
            "it": "api_key è un token personale: accedi e crealo con POST /api/v1/auth/tokens. "
            "Solo gli inquilini riconosciuti di un complesso possono inviare richieste.",
            "en": "api_key is a personal token: sign in and create one with "
            "POST /api/v1/auth/tokens. Only recognised tenants of a complex may send "
            "requests.",
        },
    }
)
