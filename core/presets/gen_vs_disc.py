"""The presets of panel 1, generative vs discriminative (Ng & Jordan's learning curves)."""

from __future__ import annotations

from core.gen_vs_disc.config import NgJordanConfig
from core.presets.preset import preset

PRESETS = [
    # Wine's naive-Bayes lead at small m is real but small (about half a percentage point),
    # so this preset averages 200 splits to lift it clearly above the split-to-split noise.
    preset("ngjordan.wine", "Wine (cultivar 0 vs 1, 13 features)",
            "Wine (cultivar 0 vs 1): NB leads at small m beyond the noise, LR overtakes near "
            "m = 20 and ends below half NB's error",
            "Naive Bayes is ahead on the smallest training sets, by more than the split-to-split "
            "noise; logistic regression overtakes near m = 20 and ends with less than half of "
            "naive Bayes' error: Ng & Jordan's two regimes on real data.",
            ("nb_lead_z >= 2", "m_star >= 12", "m_star <= 35", "lr_nb_error_ratio <= 0.5"),
            NgJordanConfig(data="wine", n_splits=200)),
    preset("ngjordan.breast_cancer", "Breast cancer (30 features)",
            "Breast cancer (30 features): LR overtakes within 20 examples and ends below half "
            "NB's error", "Logistic regression overtakes within the first 20 examples (naive "
            "Bayes' early lead is within the noise) and ends with less than half of naive "
            "Bayes' error: with 30 correlated features NB's asymptotic error is high.",
            ("m_star <= 20", "nb_lead_z < 2", "lr_lead_final_z >= 2",
             "lr_nb_error_ratio <= 0.5"),
            NgJordanConfig(data="breast_cancer")),
    preset("ngjordan.iris", "Iris versicolor vs virginica (4 features)",
            "Iris versicolor vs virginica (4 features): small d, the curves end within 2 "
            "points of each other", "With only 4 features both models learn fast and end "
            "within 2 percentage points of each other: with small d there is little room "
            "between the two regimes.",
            ("lr_lead_final <= 0.02", "lr_lead_final >= -0.02"), NgJordanConfig(data="iris")),
    preset("ngjordan.digits", "8x8 digits, a pair you choose (64 pixels)",
            "8x8 digits 3 vs 8 (64 pixels): LR is ahead at every m with the default prior and "
            "ends at a fifth of NB's error", "Logistic regression is ahead at every m: its "
            "prior (C = 1) keeps it from overfitting the small sets, and it ends with a fifth "
            "of naive Bayes' error.",
            ("crossover == 0", "lr_lead_final_z >= 2", "lr_nb_error_ratio <= 0.2"),
            NgJordanConfig(data="digits", digit_a=3, digit_b=8), holds_on=(0, 1, 2, 3)),
    preset("ngjordan.nb_holds", "Synthetic: naive Bayes' assumption holds",
            "Synthetic, features independent given the class (NB's assumption holds): NB leads "
            "at small m and is still ahead with the whole pool, no crossover", "The features "
            "are independent given the class, so naive Bayes' model is right: it leads beyond "
            "the noise at small m and is still ahead, beyond the noise, with the whole pool. "
            "There is no crossover.",
            ("crossover == 0", "nb_lead_z >= 2", "lr_lead_final_z <= -2"),
            NgJordanConfig(data="nb_holds")),
    preset("ngjordan.correlated", "Synthetic: correlated features (assumption fails)",
            "Synthetic, correlated features (NB's assumption fails): a clear crossover between "
            "m = 50 and 200", "Naive Bayes leads beyond the noise at small m, logistic "
            "regression overtakes between m = 50 and 200 and ends ahead beyond the noise: "
            "the correlated features cost naive Bayes its asymptote.",
            ("nb_lead_z >= 2", "m_star >= 50", "m_star <= 200", "lr_lead_final_z >= 2"),
            NgJordanConfig(data="correlated")),
]
