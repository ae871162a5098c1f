"""
Iris, by name: fit a classifier
===============================

Load OpenML's ``iris`` (version 1) by name with scikit-learn's ``fetch_openml`` and fit
a logistic regression.
"""

# %%
# Load the data: a DataFrame of four measurements and the species as target.
from sklearn.datasets import fetch_openml

iris = fetch_openml("iris", version=1, as_frame=True)
print(f"iris: {iris.frame.shape[0]} rows, {iris.frame.shape[1]} columns")
iris.frame.head()

# %%
# Fit a scaled logistic regression and score it on a held-out quarter.
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

X_train, X_test, y_train, y_test = train_test_split(
    iris.data, iris.target, stratify=iris.target, random_state=0
)
model = make_pipeline(StandardScaler(), LogisticRegression())
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")
