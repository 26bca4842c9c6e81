"""User-facing messages of the feedback module."""

from qc_platform.core.i18n import register_messages

register_messages(
    {
        "feedback.unknown_category": {"it": "Categoria sconosciuta.", "en": "Unknown category."},
        "feedback.unknown_complex": {
            "it": "Il complesso indicato non esiste.",
            "en": "The complex given does not exist.",
        },
        "feedback.unknown_user": {"it": "Utente sconosciuto.", "en": "Unknown user."},
        "feedback.not_your_complex": {
            "it": "Puoi inviare segnalazioni solo sul complesso in cui sei riconosciuto/a "
            "come inquilino/a.",
            "en": "You can only report on the complex where you are a recognised tenant.",
        },
        "feedback.on_behalf_not_allowed": {
            "it": "Solo custodi e personale possono inviare una segnalazione per conto di "
            "un inquilino.",
            "en": "Only custodians and staff may report on a tenant's behalf.",
        },
        "feedback.on_behalf_required": {
            "it": "Indica l'inquilino per cui invii la segnalazione (on_behalf_of).",
            "en": "Say which tenant you are reporting for (on_behalf_of).",
        },
        "feedback.not_a_tenant": {
            "it": "La persona indicata non è inquilina di questo complesso.",
            "en": "That person is not a tenant of this complex.",
        },
        "feedback.reporter_comment_only": {
            "it": "Puoi solo aggiungere un commento.",
            "en": "You can only add a comment.",
        },
        "feedback.empty_update": {
            "it": "Scrivi un testo o scegli un nuovo stato.",
            "en": "Write some text or choose a new status.",
        },
        "feedback.internal_status": {
            "it": "Un cambio di stato è sempre visibile a chi ha segnalato.",
            "en": "A status change is always visible to the sender.",
        },
        "feedback.illegal_transition": {
            "it": "Non si può passare dallo stato «{current}» a «{target}».",
            "en": "A report cannot go from '{current}' to '{target}'.",
        },
        "feedback.support_not_allowed": {
            "it": "Solo gli inquilini dello stesso complesso possono sostenere una segnalazione "
            "pubblica.",
            "en": "Only tenants of the same complex can support a public report.",
        },
        "feedback.support_own": {
            "it": "Non puoi sostenere la tua segnalazione.",
            "en": "You cannot support your own report.",
        },
        "feedback.already_supported": {
            "it": "Hai già sostenuto questa segnalazione.",
            "en": "You already support this report.",
        },
        "feedback.not_resolved": {
            "it": "La segnalazione non è ancora risolta.",
            "en": "The report is not resolved yet.",
        },
        "feedback.no_inbox": {
            "it": "La casella delle segnalazioni è per custodi, comitati e personale.",
            "en": "The inbox is for custodians, committees and staff.",
        },
        "feedback.no_committee": {
            "it": "Nessun comitato accreditato oggi per questo complesso.",
            "en": "No committee is accredited today for this complex.",
        },
        "feedback.committee_not_accredited": {
            "it": "Questo comitato non è accreditato oggi per il complesso della segnalazione.",
            "en": "That committee is not accredited today for the report's complex.",
        },
        "feedback.no_custodian": {
            "it": "Il complesso non ha custodi a cui assegnare la segnalazione.",
            "en": "The complex has no custodian to assign the report to.",
        },
        "feedback.rule_exists": {"it": "La regola esiste già.", "en": "The rule already exists."},
        "feedback.period_inverted": {
            "it": "La fine del periodo deve seguire l'inizio.",
            "en": "The period must end after it starts.",
        },
        "feedback.routed.title": {
            "it": "Nuova segnalazione: {title}",
            "en": "New report: {title}",
        },
        "feedback.routed.body": {
            "it": "{category} — {complex}. Risposta attesa entro il {due}.",
            "en": "{category} — {complex}. Answer due by {due}.",
        },
        "feedback.escalated.title": {
            "it": "Segnalazione in ritardo: {title}",
            "en": "Overdue report: {title}",
        },
        "feedback.escalated.body": {
            "it": "Nessuna risposta entro il termine ({due}). {complex}.",
            "en": "No answer by the deadline ({due}). {complex}.",
        },
        "feedback.updated.title": {
            "it": "Aggiornamento sulla tua segnalazione: {title}",
            "en": "Update on your report: {title}",
        },
        "feedback.updated.body": {"it": "{status}{body}", "en": "{status}{body}"},
        "feedback.status.submitted": {"it": "inviata", "en": "submitted"},
        "feedback.status.acknowledged": {"it": "presa in carico", "en": "acknowledged"},
        "feedback.status.in_progress": {"it": "in lavorazione", "en": "in progress"},
        "feedback.status.resolved": {"it": "risolta", "en": "resolved"},
        "feedback.status.closed": {"it": "chiusa", "en": "closed"},
        "feedback.status.rejected": {"it": "respinta", "en": "rejected"},
        "feedback.status.duplicate": {"it": "duplicata", "en": "duplicate"},
        "feedback.status_line": {"it": "Nuovo stato: {status}. ", "en": "New status: {status}. "},
    }
)
