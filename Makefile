# Developer shortcuts. The README's two commands are the supported entry points.
PY ?= .venv/bin/python
REF ?= ../shared/reference-data
OUT ?= data
CSC = $(REF)/dfe-csc-outcomes-enablers

# Rebuild the bundled dataset in data/ from the published raw files (see data/README.md).
data:
	$(PY) -m analyses import --no-base --allow-bundled --out $(OUT) \
	  --la-lookup $(CSC)/sn_model_2025_wide.csv $(REF)/dfe-lookups/las.csv \
	  $(CSC)/ons_mid-year_population_estimates_2012_to_2024.csv \
	  $(CSC)/cla_number_and_rate_per_10k_children.csv \
	  $(CSC)/la_children_who_ceased_during_the_year.csv \
	  $(CSC)/b1_children_in_need_2013_to_2024.csv \
	  $(CSC)/b1_children_in_need_2013_to_2025.csv \
	  $(CSC)/c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv \
	  $(CSC)/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv \
	  $(CSC)/c3_factors_identified_at_end_of_assessment_2018_to_2025.csv \
	  $(CSC)/d5_cpps_at31march_by_duration_2013_to_2025.csv \
	  $(REF)/dfe-cla-goodair/national_cla_on_31_march_by_characteristics.csv \
	  $(REF)/dfe-eyfsp/1_eyfsp_headline_measures_2022.csv \
	  $(REF)/dfe-lait/bds_long_0.parquet

# Simplify ONS's LA boundaries for the "Your area" map into data/maps/ (see analyses/report/areas_map.py).
map:
	$(PY) -m analyses.report.areas_map $(REF)/ons-boundaries/Counties_and_Unitary_Authorities_December_2023_Boundaries_UK_BSC_4952317392296043005.geo.json

.PHONY: data map
