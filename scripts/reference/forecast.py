#!/usr/bin/env python3
"""Independent reference values for functions/forecast (numpy, and scipy for normal quantiles): test/vectors/forecast.json.

Holt-Winters additive recurrences with fixed parameters (FPP3 section 8.3, classical initial states as in
docs/forecast.md), AR(p) least squares with numpy.linalg.lstsq and AIC order choice, and the rolling-origin
backtest (seasonal naive, AR fitted before the first origin, Holt-Winters with fixed parameters) with MASE
(Hyndman & Koehler 2006) and MAE. Run: python3 scripts/reference/forecast.py > test/vectors/forecast.json
"""
import json
import math

import numpy as np
from scipy.stats import norm


def hw_filter(y, upto, m, alpha, beta, gamma):
    y = np.asarray(y, dtype=float)
    a1 = y[:m].mean()
    a2 = y[m:2 * m].mean()
    b = (a2 - a1) / m
    level = a1 + b * (m - 1) / 2
    # s[t] for t = 0..m-1, indexed by time
    s = {t: y[t] - (a1 + b * (t - (m - 1) / 2)) for t in range(m)}
    sse = 0.0
    for t in range(m, upto):
        e = y[t] - (level + b + s[t - m])
        sse += e * e
        new_level = alpha * (y[t] - s[t - m]) + (1 - alpha) * (level + b)
        new_b = beta * (new_level - level) + (1 - beta) * b
        s[t] = gamma * (y[t] - level - b) + (1 - gamma) * s[t - m]
        level, b = new_level, new_b
    return level, b, s, sse


def hw_forecast(y, upto, m, params, h):
    level, b, s, _ = hw_filter(y, upto, m, *params)
    T = upto - 1
    return [level + j * b + s[T + j - m * ((j - 1) // m + 1)] for j in range(1, h + 1)]


def diff(y, upto, m):
    y = np.asarray(y[:upto], dtype=float)
    return y.copy() if m == 1 else y[m:] - y[:-m]


def max_order(nz):
    return max(0, min(8, nz // 5))


def ar_fit(y, m):
    z = diff(y, len(y), m)
    top = max_order(len(z))
    rows = len(z) - top
    orders = []
    for p in range(top + 1):
        X = np.ones((rows, p + 1))
        for i in range(1, p + 1):
            X[:, i] = z[top - i:len(z) - i]
        coef, *_ = np.linalg.lstsq(X, z[top:], rcond=None)
        sse = float(np.sum((z[top:] - X @ coef) ** 2))
        aic = rows * math.log(sse / rows) + 2 * (p + 1)
        orders.append({"p": p, "intercept": float(coef[0]), "phi": [float(c) for c in coef[1:]], "sse": sse, "aic": aic})
    best = min(orders, key=lambda o: (o["aic"], o["p"]))
    return {"max_order": top, "orders": orders, "chosen": best["p"], "sigma2": best["sse"] / rows}


def ar_forecast(y, m, fit, origin, h):
    best = fit["orders"][fit["chosen"]]
    z = list(diff(y, origin, m))
    ext = [float(v) for v in y[:origin]]
    out = []
    for _ in range(h):
        v = best["intercept"] + sum(best["phi"][i] * z[-1 - i] for i in range(best["p"]))
        z.append(v)
        yhat = v if m == 1 else v + ext[-m]
        ext.append(yhat)
        out.append(yhat)
    return out


def snaive(y, origin, m, h):
    return [y[origin - 1 + j - m * ((j - 1) // m + 1)] for j in range(1, h + 1)]


def minimum(model, m):
    own = {"seasonal_naive": m, "holt_winters": 2 * m + 3, "ar": 10 if m == 1 else m + 10}[model]
    return max(own, m + 1)


def backtest_case(y, m, h, k, hw_params):
    n = len(y)
    earliest = max(minimum(x, m) for x in ("seasonal_naive", "holt_winters", "ar"))
    s = max(1, int(math.floor(m / k + 0.5)))  # JS Math.round for positive halves
    origins = sorted(o for o in (n - h - i * s for i in range(k)) if o >= earliest)
    scales = [float(np.mean(np.abs(np.asarray(y[m:o]) - np.asarray(y[:o - m])))) for o in origins]
    train = y[:origins[0]]
    arfit = ar_fit(train, m)
    fns = {
        "seasonal_naive": lambda o: snaive(y, o, m, h),
        "ar": lambda o: ar_forecast(y, m, arfit, o, h),
        "holt_winters": lambda o: hw_forecast(y, o, m, hw_params, h),
    }
    out = {}
    for name, fn in fns.items():
        errs = np.array([[y[o + j] - f for j, f in enumerate(fn(o))] for o in origins])
        out[name] = {
            "mae": float(np.mean(np.abs(errs))),
            "mase": float(np.mean(np.abs(errs) / np.asarray(scales)[:, None])),
        }
    return {"origins": origins, "scales": scales, "models": out, "ar_train": arfit}


def case(name, y, m, h, k, hw_params):
    y = [float(v) for v in y]
    level, b, s, sse = hw_filter(y, len(y), m, *hw_params)
    return {
        "name": name,
        "series": y,
        "period": m,
        "horizon": h,
        "origins": k,
        "hw": {
            "alpha": hw_params[0], "beta": hw_params[1], "gamma": hw_params[2],
            "level": level, "trend": b, "sse": sse,
            "forecast": hw_forecast(y, len(y), m, hw_params, h),
        },
        "ar": ar_fit(y, m),
        "ar_forecast": ar_forecast(y, m, ar_fit(y, m), len(y), h),
        "backtest": backtest_case(y, m, h, k, hw_params),
    }


def main():
    rng = np.random.default_rng(20261130)
    t = np.arange(144)
    diurnal = 100 + 0.2 * t + 30 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, t.size)
    ar2 = [50.0, 50.0]
    for _ in range(198):
        ar2.append(10 + 0.5 * ar2[-1] + 0.3 * ar2[-2] + rng.normal(0, 1))
    t3 = np.arange(96)
    weekly = 20 + 5 * ((t3 % 7) >= 5) + 0.05 * t3 + rng.normal(0, 0.5, t3.size)
    cases = [
        case("diurnal m=12 with trend and noise", diurnal, 12, 6, 5, (0.3, 0.1, 0.2)),
        case("AR(2) without season", ar2, 1, 4, 8, (0.5, 0.2, 0.0)),
        case("weekly m=7 step pattern", weekly, 7, 10, 3, (0.7, 0.05, 0.1)),
    ]
    probs = [1e-6, 0.001, 0.01, 0.02425, 0.05, 0.25, 0.5, 0.8, 0.95, 0.975, 0.995, 0.999999]
    quantiles = [[p, float(norm.ppf(p))] for p in probs]
    print(json.dumps({"generator": "scripts/reference/forecast.py (numpy %s)" % np.__version__,
                      "normal_quantiles": quantiles, "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
