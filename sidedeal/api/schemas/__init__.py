"""Request and response models of the API. Response models of graph objects are the casework
package's own (``FlagSummary``, ``PairDetail``...); this package adds request bodies, list
envelopes (``{data, count}``) and the error body."""
