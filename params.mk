# Generated from src/helpers/params.py by `make sync-params`: do not edit.
# Each run parameter's make variable and default (`make help` lists them).
## DATA: dataset directory (default: data/sample)
DATA ?= data/sample
## OUT: where figures and tables go (default: outputs)
OUT ?= outputs
## PROMOTIONS: promotions kept (empty: all) (default: 1 2)
PROMOTIONS ?= 1 2
## CONFIDENCE: level of the intervals (default: 0.95)
CONFIDENCE ?= 0.95
## MIN_CELL: smallest count or base shown in a subgroup (default: 3)
MIN_CELL ?= 3
## WEIGHTING: none, or "promotion": the weighted reading becomes the main one (default: none)
WEIGHTING ?= none
## INCLUDE_VERBATIMS: free-text answers, None (auto): only on the synthetic sample (default: auto)
INCLUDE_VERBATIMS ?= auto
## FPC: finite population correction of the intervals (default: true)
FPC ?= true
PARAMETER_VARIABLES := DATA OUT PROMOTIONS CONFIDENCE MIN_CELL WEIGHTING INCLUDE_VERBATIMS FPC
