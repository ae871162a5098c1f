"""
Know before downloading, then load only the first rows
======================================================

In a browser tab memory is small: ``memory_plan`` says what a load would take before any
data byte is downloaded, and ``nrows`` reads only the rows asked for (where the server
answers byte ranges, only the pages holding them).
"""

# %%
# The plan: an estimate of the load's peak memory, against what this runtime can hold.
import openml_lite

plan = openml_lite.memory_plan(data_id=40945)
print(plan.verdict, "-", plan.estimate.about())

# %%
# The first 10 rows, with the same dtypes and categories rules as a full load.
head = openml_lite.fetch_openml(data_id=40945, nrows=10)
head.frame

# %%
# The same values as a full load's first rows. Its categorical columns list only the
# levels these rows use, as scikit-learn's loader gives them for these rows.
full = openml_lite.fetch_openml(data_id=40945)
first = full.frame.head(10)
print("equal to the full load's first rows:", head.frame.astype(object).equals(first.astype(object)))
print("embarked's levels here:", list(head.frame["embarked"].cat.categories),
      "of", list(full.frame["embarked"].cat.categories))
