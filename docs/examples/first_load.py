"""
Titanic from parquet: the Bunch and what the load did
=====================================================

``openml_lite.fetch_openml`` takes scikit-learn's parameters and returns scikit-learn's
``Bunch``; it reads the parquet file OpenML publishes instead of the ARFF text.
"""

# %%
# Load Titanic (OpenML id 40945): a DataFrame with categories where OpenML has nominal
# columns, the target split off as scikit-learn does.
import openml_lite

titanic = openml_lite.fetch_openml(data_id=40945)
print(titanic.frame.shape, "target:", titanic.target_names)
titanic.frame.dtypes.value_counts()

# %%
# The first rows.
titanic.frame.head()

# %%
# What the load did: which engine decoded the file, from where, and how long each step took.
report = openml_lite.last_load_report()
print(f"engine: {report.engine}, source: {report.source}, {report.data_bytes:,} bytes")
{step: round(seconds, 4) for step, seconds in report.seconds.items()}
