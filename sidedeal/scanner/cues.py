"""Off-platform cues in six languages: circumvention, fee avoidance, solicitation, direct invoice.

Patterns are phrase-level and match the scanner's normalised text (lower-case-insensitive,
accent-free, so "éviter" is written "eviter"). Each is anchored on the words that carry the
intent ("outside" + "platform", "avoid" + "commission", "your" + "number", "invoice" + "directly"),
because the bare words are everyday vocabulary in the trade: "commissioned in 1887", "outside
diameter", "direct from the artist's estate", "what's the serial number".

A cue preceded by a negation ("we can't do this outside the platform") is not raised. The cue
for a chat app named as the way to talk is in ``channels``.
"""

from __future__ import annotations

import re
from collections.abc import Container

from sidedeal.scanner.anchors import Anchors
from sidedeal.scanner.model import Finding
from sidedeal.scanner.normalise import Normalised

# Every pattern here is lower-case and runs on ``Normalised.low``.
_SITE = r"(?:platform|site|website|web\s?site|app|marketplace|checkout|sidedeal)"
_FEES = r"(?:fees?|commissions?|premium|cut|charges?)"
# Each noun ends at a word boundary, so the pattern never matches inside a longer word: the
# anchors (whole words of the message) must stay a necessary condition.
_NOUN = (
    r"(?:(?:(?:mobile|cell|phone|whatsapp|contact|telephone)\s+)?(?:number|no|num|mobile|phone"
    r"|cell|e-?mail|mail|whats\s?app|wechat|telegram|insta(?:gram)?|snap(?:chat)?|signal|skype"
    r"|viber|handle|ig|contact|details|iban|bank\s+details|digits)\b|@)"
)


# (category, anchors, pattern): see ``anchors`` for the notation. Anchors are words a pattern
# cannot match without, which lets most messages skip every pattern.
_CUES: list[tuple[str, str, str]] = [
    # circumvention, en
    ("circumvention",
     "(platform platforms site sites website websites marketplace marketplaces checkout "
     "checkouts sidedeal sidedeals app apps web)+(outside off away around bypass bypassing skip "
     "skipping avoid avoiding without not instead rather)",
     rf"\b(?:outside|off|away\s+from|around|bypass(?:ing)?|skip(?:ping)?|avoid(?:ing)?|without"
     rf"|not\s+(?:through|via)|instead\s+of|rather\s+than)\s+(?:of\s+)?(?:the\s+|this\s+)?{_SITE}"
     rf"(?:'?s)?\b(?!\s*{_FEES})"),
    ("circumvention", "offline|offplatform|offsite|off+(platform site)",
     r"\boff[\s-]?(?:platform|site)\b|\btake\s+(?:this|it|things)\s+offline\b"),
    ("circumvention",
     "(rather instead keep)+(platform site website marketplace checkout sidedeal app "
     "web)|no+checkout",
     rf"\b(?:rather\s+than|instead\s+of)\s+(?:go(?:ing)?\s+|pay(?:ing)?\s+|buy(?:ing)?\s+)?"
     rf"(?:through|via|on)\s+(?:the\s+)?{_SITE}\b"
     rf"|\bkeep\s+(?:the\s+)?{_SITE}\s+out\b|\bno\s+checkout\b"),
    ("circumvention",
     "(directly direct privately outside between)+(deal sell buy trade do sort settle "
     "transact selling buying dealing contact call email e mail message text reach "
     "write ring)",
     r"\b(?:deal|sell|buy|trade|do\s+(?:this|it|business)|sort\s+(?:it|this|the\s+\w+(?:\s+\w+)?)"
     r"(?:\s+out)?|settle|transact|selling|buying|dealing)\s+(?:directly|direct|privately"
     r"|between\s+(?:us|ourselves)|outside)\b"
     r"|\b(?:contact|call|email|e-mail|message|text|reach|write\s+to|ring)\s+(?:me|us)\s+"
     r"(?:directly|direct|privately|outside)\b"),
    ("circumvention",
     "cancel+(listing order)", r"\bcancel\s+(?:the|your|my)\s+(?:listing|order)\b"),
    # circumvention, fr
    ("circumvention",
     "dehors|hors|sans+passer+par|(pas sans)+(site plateforme)",
     r"\b(?:en\s+dehors|hors)\s+(?:du\s+|de\s+la\s+|de\s+l')?(?:site|plateforme|appli\w*)\b"
     r"|\bsans\s+passer\s+par\s+(?:le\s+site|la\s+plateforme|l'appli\w*)"
     r"|\bsans\s+(?:le\s+site|la\s+plateforme)\b"
     r"|\bpas\s+(?:par\s+)?(?:le\s+site|la\s+plateforme)\b"),
    ("circumvention",
     "(direct nous)+(faire fait conclure regler traiter vendre acheter arranger passons "
     "passer)|gre",
     r"\b(?:faire|fait|conclure|regler|traiter|vendre|acheter|arranger|passons|passer)\b"
     r"[^.!?\n]{0,30}?"
     r"\b(?:en\s+direct|entre\s+nous)\b|\bde\s+gre\s+a\s+gre\b"),
    # circumvention, it
    ("circumvention",
     "fuori|senza+(sito piattaforma)|senza+passare|(direttamente noi privato)+(chiudere "
     "concludere fare trattare)",
     r"\bfuori\s+(?:dal(?:la)?\s+|da\s+)?(?:sito|piattaforma|app)\b"
     r"|\bsenza\s+(?:il\s+|la\s+)?(?:sito|piattaforma)\b"
     r"|\bsenza\s+passare\s+(?:dal|dalla|per\s+il|per\s+la)\s+(?:sito|piattaforma)"
     r"|\b(?:chiudere|concludere|fare|trattare)\b[^.!?\n]{0,25}?\b(?:direttamente|tra\s+(?:di\s+)?"
     r"noi|in\s+privato)\b"),
    # circumvention, de
    ("circumvention",
     "ausserhalb|(direkt privat)+(abwickeln regeln verkaufen kaufen "
     "machen)|nicht+uber|ohne+(plattform seite website)|an+der+plattform",
     r"\bausserhalb\s+(?:der\s+|dieser\s+|von\s+)?(?:plattform|seite|website|app)\b"
     r"|\b(?:direkt|privat)\s+(?:abwickeln|regeln|verkaufen|kaufen|machen)\b"
     r"|\bohne\s+(?:die\s+)?(?:plattform|seite|website)\b"
     r"|\bnicht\s+uber\s+(?:die\s+)?(?:seite|plattform|website)\b|\ban\s+der\s+plattform\s+vorbei"),
    # circumvention, es
    ("circumvention",
     "fuera|sin+(plataforma web)|sin+pasar+por|(directamente privado nosotros)+(hacerlo "
     "cerrarlo venderlo tratarlo cerrar)",
     r"\bfuera\s+de\s+(?:la\s+)?(?:plataforma|web|pagina|app)\b|\bpor\s+fuera\b"
     r"|\bsin\s+(?:la\s+)?(?:plataforma|web)\b"
     r"|\bsin\s+pasar\s+por\s+(?:la\s+)?(?:plataforma|web|pagina)"
     r"|\b(?:hacerlo|cerrarlo|venderlo|tratarlo|cerrar\s+el\s+trato)\s+(?:directamente"
     r"|en\s+privado|entre\s+nosotros)\b"),
    # circumvention, nl
    ("circumvention",
     "buiten|niet+via|zonder+(platform site)|(rechtstreeks onderling prive)+(regelen afhandelen "
     "doen)",
     r"\bbuiten\s+(?:het\s+|de\s+)?(?:platform|site|website|app)\b"
     r"|\bzonder\s+(?:het\s+|de\s+)?(?:platform|site)\b(?!\s*(?:kosten|commissie))"
     r"|\bniet\s+via\s+(?:het\s+platform|de\s+site)\b"
     r"|\b(?:regelen|afhandelen|doen)\s+(?:rechtstreeks|onderling|prive)\b"
     r"|\b(?:rechtstreeks|onderling)\s+(?:regelen|afhandelen)\b"),
    # fee avoidance
    ("fee_avoidance",
     "(fee fees commission commissions premium cut charge charges)+(avoid avoiding "
     "save saves saving skip dodge cut escape get not don dont rather no "
     "without)|free+(commission fee)",
     rf"\b(?:avoid|avoiding|save|saves|saving|skip|dodge|cut\s+out|escape|get\s+around"
     rf"|not\s+pay(?:ing)?|don'?t\s+pay|rather\s+not\s+pay)\s+(?:on\s+)?(?:us\s+)?(?:both\s+)?"
     rf"(?:the\s+|their\s+|any\s+|all\s+the\s+|its\s+|your\s+|my\s+)?(?:[0-9]+\s?%\s+)?"
     rf"(?:(?:site|platform|marketplace|sidedeal|buyer'?s|seller'?s|selling|listing|transaction"
     rf"|service)\s+)?{_FEES}\b"
     r"|\b(?:no|without)\s+(?:the\s+|any\s+)?(?:site\s+|platform\s+)?(?:fees?|commissions?)\b"
     r"|\b(?:commission|fee)[\s-]free\b"),
    ("fee_avoidance",
     "(platform site marketplace)+(takes take charges charge keeps keep)+(directly direct outside "
     "between privately)",
     r"\b(?:platform|site|marketplace)\s+(?:takes?|charges?|keeps?)\s+(?:a\s+)?[0-9]+\s?%"
     r"[^.!?\n]{0,60}\b(?:directly|direct|outside|between\s+us|privately)\b"),
    ("fee_avoidance", "(platform site)+(charges takes take)+what",
     r"\b(?:knock\s+off|take\s+off|deduct|minus|cover|save|saves)\s+what\s+the\s+(?:site|platform)"
     r"\s+(?:charges|takes|would\s+take)\b"),
    ("fee_avoidance",
     "(frais commission commissions)+(eviter evite evitons evitez economiser "
     "economisez economise sans pas zero)",
     r"\b(?:eviter|evite|evitons|evitez|economiser|economisez|economise|sans|pas\s+de|zero)\s+"
     r"(?:les\s+|la\s+|de\s+)?(?:frais|commissions?)\b"),
    ("fee_avoidance",
     "(commissioni commissione spese costi)+(evitare evitiamo evita risparmiare "
     "risparmiamo risparmia senza niente zero)",
     r"\b(?:evitare|evitiamo|evita|risparmiare|risparmiamo|risparmia|senza|niente|zero)\s+"
     r"(?:le\s+|la\s+|i\s+)?(?:commissioni|commissione|spese|costi)\b"),
    ("fee_avoidance",
     "(sparen spart sparst ohne vermeiden umgehen keine)+('gebuhr' 'provision' 'kommission')",
     r"\b(?:sparen|spart|sparst|ohne|vermeiden|umgehen|keine)\b(?:\s+\w+){0,3}?\s+\w*(?:gebuhr\w*"
     r"|provision\w*|kommission\w*)"),
    ("fee_avoidance",
     "(comision comisiones tarifa tarifas gastos)+(ahorrar ahorramos ahorras ahorra "
     "evitar evitamos sin)",
     r"\b(?:ahorrar|ahorramos|ahorras|ahorra|evitar|evitamos|sin)\s+(?:\w+\s+){0,2}?"
     r"(?:comision(?:es)?|tarifas?|gastos)\b"),
    ("fee_avoidance",
     "(commissie kosten fee provisie servicekosten)+(scheelt besparen bespaar "
     "vermijden zonder geen)",
     r"\b(?:scheelt|besparen|bespaar|vermijden|zonder|geen)\s+(?:\w+\s+){0,4}?(?:commissie|kosten"
     r"|fee|provisie|servicekosten)\b"),
    # solicitation
    ("solicitation",
     "(number no num mobile cell phone telephone email mail whatsapp whats wechat telegram insta "
     "instagram snap snapchat signal skype viber handle ig contact details iban digits '@')"
     "+(your ur yr meyour meur meyr usyour usur usyr)+(what whats wats send give tell drop text "
     "dm pass share leave gimme shoot can could may)"
     "|(whats whatsapp wechat telegram signal viber instagram insta email mail mobile phone "
     "cell contact telephone number)+you+(do have are on)",
     rf"\b(?:what'?s|what\s+is|wats)\s+(?:your|ur|yr)\s+{_NOUN}"
     rf"|\b(?:send|give|tell|drop|text|dm|pass|share|leave|gimme|shoot)\s+(?:me|us)?\s*(?:your|ur"
     rf"|yr)\s+{_NOUN}"
     rf"|\b(?:can|could|may)\s+(?:i|we)\s+(?:have|get|take)\s+(?:your|ur|yr)\s+{_NOUN}"
     r"|\b(?:do\s+you\s+have|have\s+you\s+got|are\s+you\s+on|you\s+on)\s+(?:an?\s+)?"
     r"(?:whats\s?app|wechat|telegram|signal|viber|instagram|insta|e-?mail(?:\s+address)?"
     r"|(?:mobile|phone|cell|contact|telephone)(?:\s+number)?|number)\b"),
    ("solicitation",
     "(votre ton vos tes)+(est quoi donnez donne envoyez envoie laissez passez communiquez)"
     "+(numero telephone tel portable mail email adresse whatsapp 'insta' iban coordonnees '06')"
     "|(vous tu)+(avez as)+(mail email numero whatsapp portable telegram 'insta')",
     r"\b(?:quel\s+est|c'est\s+quoi|donnez|donne|envoyez|envoie|laissez|passez|communiquez)"
     r"(?:-moi)?\s+(?:votre|ton|vos|tes)\s+(?:numero|telephone|tel|portable|mail|e-mail|email"
     r"|adresse|whatsapp|insta\w*|iban|coordonnees|06)\b"
     r"|\b(?:vous\s+avez|tu\s+as|avez-vous|as-tu)\s+(?:un\s+|une\s+)?(?:mail|e-mail|email|numero"
     r"|whatsapp|portable|telegram|insta\w*)\b"),
    ("solicitation",
     "(numero cellulare telefono mail email whatsapp indirizzo contatto iban telegram)"
     "+(suo tuo sua tua vostro vostra hai avete)",
     r"\b(?:mi\s+da|mi\s+dai|mi\s+manda|mi\s+mandi|mi\s+lasci|mi\s+lascia|mi\s+passi|mi\s+passa"
     r"|dammi|mandami|qual\s+e)\s+(?:il\s+|la\s+|lo\s+)?(?:suo|tuo|sua|tua|vostro|vostra)\s+"
     r"(?:numero|cellulare|telefono|mail|email|e-mail|whatsapp|indirizzo|contatto|iban)\b"
     r"|\b(?:hai|avete)\s+(?:un\s+|una\s+)?(?:whatsapp|telegram|mail|email)\b"),
    ("solicitation",
     "(ihre deine ihr dein ihren deinen)+(ist mir)+('nummer' 'handy' 'mail' whatsapp 'telefon' "
     "iban 'kontakt')|(hast haben)+(du sie)+(whatsapp telegram email 'mail' 'handy')",
     r"\b(?:was\s+ist|wie\s+ist|gib\s+mir|geben\s+sie\s+mir|schick\w*\s+(?:sie\s+)?mir"
     r"|send\w*\s+(?:sie\s+)?mir|verrat\w*\s+(?:sie\s+)?mir)\s+(?:ihre|deine|ihr|dein|ihren"
     r"|deinen)\s+(?:\w*nummer|handy\w*|e-?mail\w*|mail\w*|whatsapp|telefon\w*|iban|kontakt\w*)\b"
     r"|\b(?:hast\s+du|haben\s+sie)\s+(?:eine\s+)?(?:whatsapp|telegram|e-?mail|handy\w*)\b"),
    ("solicitation",
     "(numero movil telefono correo email mail whatsapp iban contacto instagram telegram)"
     "+(tu su tienes tiene tenes)",
     r"\b(?:me\s+pasas|pasame|dame|me\s+das|me\s+da|cual\s+es|mandame|enviame|me\s+dejas)\s+"
     r"(?:tu|su)\s+(?:numero|movil|telefono|correo|email|e-mail|mail|whatsapp|iban|contacto"
     r"|instagram)\b"
     r"|\b(?:tienes|tiene|tenes)\s+(?:un\s+)?(?:whatsapp|telegram|correo|email|instagram|movil)\b"),
    ("solicitation",
     "(je jouw uw)+(is geef stuur)+(telefoonnummer nummer 'mobiel' '06' 'mail' whatsapp iban adres)"
     "|(heb heeft hebt)+(je u)+(whatsapp telegram 'mail' mobiel)",
     r"\b(?:wat\s+is|geef|stuur)\s+(?:me\s+|mij\s+)?(?:je|jouw|uw)\s+(?:telefoonnummer|nummer"
     r"|mobiel\w*|06|e-?mail\w*|mail\w*|whatsapp|iban|adres)\b"
     r"|\b(?:heb\s+je|heeft\s+u|hebt\s+u)\s+(?:een\s+)?(?:whatsapp|telegram|e-?mail\w*|mobiel)\b"),
    # direct invoice
    ("direct_invoice",
     "invoice+(directly direct privately separately myself outside instead)+(you u send issue "
     "make raise do)|invoice+(paypal private separate direct)",
     r"\binvoice\s+(?:you|u)\s+(?:directly|direct|privately|separately|myself|outside)\b"
     r"|\b(?:send|issue|make|raise|do)\s+(?:you\s+)?(?:an?\s+)?(?:\w+\s+)?invoice\s+(?:directly"
     r"|direct|privately|separately|myself|instead|outside)\b"
     r"|\b(?:paypal|private|separate|direct)\s+invoice\b"),
    ("direct_invoice",
     "('factur' 'fattur' rechnung factuur)+(directement direct part direttamente parte direkt "
     "privat separat directamente aparte privado rechtstreeks apart)|facturo+'directamente'",
     r"\bfactur\w*\b(?:\s+\w+){0,3}?\s*,?\s+(?:directement|en\s+direct|a\s+part)\b"
     r"|\b(?:directement|en\s+direct)\s+(?:\w+\s+){0,2}factur\w*"
     r"|\bfattur\w*\b(?:\s+\w+){0,2}?\s+(?:direttamente|a\s+parte)\b"
     r"|\bdirettamente\s+(?:\w+\s+){0,2}fattur\w*"
     r"|\b(?:direkt|privat|separat)\s+(?:\w+\s+){0,2}rechnung\b"
     r"|\brechnung\s+(?:\w+\s+){0,2}(?:direkt|privat|separat)\b"
     r"|\bfactur\w*\s+(?:\w+\s+){0,2}(?:directamente|aparte|en\s+privado)\b"
     r"|\b(?:te|le)\s+facturo\s+directamente"
     r"|\b(?:rechtstreeks|direct|apart)\s+(?:\w+\s+){0,2}factuur\b"
     r"|\bfactuur\s+(?:\w+\s+){0,2}(?:rechtstreeks|direct|apart)\b"),
]  # fmt: skip


PATTERNS: list[tuple[str, Anchors, re.Pattern[str]]] = [
    (category, Anchors(anchors), re.compile(pattern)) for category, anchors, pattern in _CUES
]
PATTERN_ANCHORS = [anchors for _, anchors, _ in PATTERNS]
ANCHORS = Anchors.union(PATTERN_ANCHORS)
NEGATED = re.compile(
    r"\b(?:not|don'?t|do\s+not|never|won'?t|can'?t|cannot|shouldn'?t|pas|jamais|nicht|niet"
    r"|nunca|non)\b[^.!?\n]{0,15}$"
)


def find_cues(norm: Normalised, active: Container[int] | None = None) -> list[Finding]:
    """Phrase cues (all categories but the channel one). ``active``: the indices of the patterns
    to run (those whose anchors hold, see ``PATTERN_ANCHORS``; ``None`` for all)."""
    text = norm.low
    out: list[Finding] = []
    for number, (category, _, pattern) in enumerate(PATTERNS):
        if active is not None and number not in active:
            continue
        for match in pattern.finditer(text):
            if NEGATED.search(text, max(0, match.start() - 25), match.start()):
                continue
            start, end = norm.span(match.start(), match.end())
            out.append(Finding("cue", category, start, end, 0.75, f"cue.{category}"))
    return out
