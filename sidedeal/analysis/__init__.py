"""Link analysis: pair features, shared identifiers, clusters, explainable scores and flags."""
