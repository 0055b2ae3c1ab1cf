"""Identifier kinds: how a contact value (a phone, an email, an IBAN...) is normalised, masked,
weighed and searched, declared once for every module that handles one."""
