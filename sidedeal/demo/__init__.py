"""Synthetic marketplace with planted, labelled off-platform behaviour (``sidedeal demo generate``).

``generate(outdir, scale=1.0, seed=7, fmt="mixed")`` writes the contract files of DESIGN.md
(sellers, buyers, listings, conversations, messages, orders, contacts) and ``labels.json``, the
ground truth that the scanner and the link analysis are measured against. Scale 1 is about
10,000 conversations and 70,000 messages; rows are streamed to disk, so memory does not grow
with scale. The same seed and scale give byte-identical files (``generated_at`` is the export's
cut-off, not the wall clock). Below scale 0.3 or so the floors that keep every scheme present
(at least six fraudulent sellers, one group of each kind) make fraud far commoner than the few
percent of pairs it is at scale 1 and above.

What ``labels.json`` holds, and what each entry promises:

- ``off_platform_pairs``: buyer-seller pairs that took business off the platform, ``{buyer_id,
  seller_id, pattern, conversation_id, contact_message_ids, exchanged_at, shared_by, kinds,
  orders_before}``. ``pattern`` is ``contact_then_silence`` (an exchange of contact details or an
  off-platform payment cue, and the pair never orders on the platform) or ``repeat_moved_off``
  (``orders_before`` >= 2 completed orders, then the exchange, then no order; clean messages may
  follow in later conversations). ``contact_message_ids`` are the planted messages of the
  exchange (in ``conversation_id``), ``exchanged_at`` the time of the first, ``shared_by`` the
  sides that gave a contact detail (empty for a cue-only exchange, about one in eight), ``kinds``
  the finding kinds planted.
- ``fraud_sellers``: every seller that took part in a planted scheme: an off-platform pair, a
  multi-account group, a shared payout account, or a buyer account carrying its identifier.
- ``multi_account_sellers``: ``{seller_ids, shared: [{kind, value}], sources}``, seller accounts
  of one operator and the identifiers they have in common (phone, email, payout), with where each
  account lists each one (``profile`` column or ``contacts`` file).
- ``shared_payout_groups``: ``{seller_ids, iban}``, every set of sellers whose ``contacts``
  carry the same payout IBAN (colluding sellers, and multi-account groups sharing a payout).
- ``buyers_with_seller_identifier``: ``{buyer_id, seller_id, kind, value, source}``, buyer
  accounts whose profile or contacts carry a seller's own profile phone or email; half of them
  also buy from that seller.
- ``decoys``: honest behaviour a good analysis must not flag: ``loyal_pairs`` (``orders``: 4 to
  10 clean orders), ``tire_kicker_pairs`` (``conversations``: several clean ones, no order),
  ``declined_pairs`` (the buyer asked for a number, ``solicit_message_id``, a finding; the seller
  refused and the sale, ``order_id``, went through the checkout), ``contact_then_order_pairs``
  (a phone given to arrange a viewing, then an on-platform ``order_id``), ``courier`` (a
  shipper's phone in ``seller_ids``' contacts and in the post-sale ``message_ids``; a packing
  firm's email in ``email_seller_ids``' contacts), ``shared_address`` (dealers of one antiques
  centre), ``lookalike_message_ids`` (unplanted messages with a phone-like run of six or more
  digits: dimensions, years, order, tracking, certificate, serial, VAT numbers) and
  ``checkout_message_ids`` (paying through the platform, or refusing to pay outside it).
- ``message_findings``: ``{message_id, conversation_id, sender, findings, styles}`` for every
  message the generator planted something in, whatever its pair's label; ``findings`` is what a
  perfect scanner should report, ``{kind, value}`` with values in the normalised forms of
  ``sidedeal.identifiers.normalisers`` (phone E.164; email lower case, gmail dots dropped; url the
  registrable domain; handle ``platform:name``; payment ``iban:<compact>`` or a method:
  ``wire_direct``, ``paypal_ff``, ``cash_on_collection``, ``zelle``, ``venmo``; cue a category:
  ``circumvention``, ``fee_avoidance``, ``direct_invoice``, ``solicitation``). A number or handle
  offered on a chat app (WhatsApp, Signal, Instagram, Telegram, WeChat, ``wa.me``) also carries a
  ``circumvention`` cue. Category names follow ``sidedeal.scanner`` as of this writing.
  ``styles`` names the renderings used (``national``, ``words``, ``keycap``, ``brackets``...).
  The list is written in full at every scale (spooled to disk, never held in memory).

Identifier values elsewhere in the labels (shared identifiers, the courier) are normalised the
same way. Times are ISO 8601 UTC; ``as_of`` is the cut-off after which nothing happens; the
header also carries the row ``counts`` and ``label_counts``.
"""

from sidedeal.demo.generator import GenerateSummary, generate

__all__ = ["GenerateSummary", "generate"]
