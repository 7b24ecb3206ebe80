"""Panel 1's models: naive Bayes vs logistic regression (Ng & Jordan), on tabular data."""
