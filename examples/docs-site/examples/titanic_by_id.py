"""
Titanic, by id: a first look
============================

Load the Titanic passenger list, `OpenML 40945 <https://www.openml.org/d/40945>`_, by its
id with scikit-learn's ``fetch_openml``.
"""

# %%
# The whole frame: 1309 passengers, the target ``survived`` included.
from sklearn.datasets import fetch_openml

titanic = fetch_openml(data_id=40945, as_frame=True)
print(f"frame shape: {titanic.frame.shape}")
print(f"data shape: {titanic.data.shape}, target: {titanic.target.name}")

# %%
# Who survived, by class: the categories come as OpenML declares them.
titanic.frame.groupby("pclass", observed=True)["survived"].value_counts().unstack()
