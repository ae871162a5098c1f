"""
scikit-learn's own fetch_openml, through openml-lite
====================================================

``patch_sklearn()`` makes ``sklearn.datasets.fetch_openml`` read parquet: existing
examples work unchanged. Here the iris dataset by name, and a model fitted on it.
"""

# %%
# After ``patch_sklearn()``, scikit-learn's loader is openml-lite's (in this site's
# notebooks the first cell does this for you).
import openml_lite
from sklearn.datasets import fetch_openml

openml_lite.patch_sklearn()
iris = fetch_openml("iris", version=1, as_frame=True)
print(f"iris: {iris.frame.shape[0]} rows, {iris.frame.shape[1]} columns")
iris.frame.head()

# %%
# Fit a scaled logistic regression and score it on a held-out quarter.
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

X_train, X_test, y_train, y_test = train_test_split(iris.data, iris.target, stratify=iris.target, random_state=0)
model = make_pipeline(StandardScaler(), LogisticRegression())
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")
