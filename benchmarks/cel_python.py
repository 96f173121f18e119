#!/usr/bin/env python3
"""Times the CEL engines a Python user would pick from PyPI on Steward's CEL workloads.

Reads the workloads as JSON on stdin (the same list `steward-bench cel` runs) and prints one JSON
object per line: {"engine", "name", "ns_per_eval"} or {"engine", "name", "error"}.
Engines: cel-expr-python (Google's C++ cel-cpp), common-expression-language (cel-rust),
cel-python (pure Python). Each expression is compiled once; the figure is the median over
batches of the mean time per evaluation.
"""
import json
import statistics
import sys
import time


def engines():
    out = {}
    try:
        import cel_expr_python.cel as cpp
        from cel_expr_python.ext import ext_strings, ext_math

        def compile_cpp(expr, variables):
            def typ(v):
                if isinstance(v, str):
                    return cpp.Type.STRING
                if isinstance(v, list):
                    return cpp.Type.List(typ(v[0]) if v else cpp.Type.DYN)
                if isinstance(v, int):
                    return cpp.Type.INT
                return cpp.Type.DYN
            env = cpp.NewEnv(variables={k: typ(v) for k, v in variables.items()},
                             extensions=[ext_strings.ExtStrings(), ext_math.ExtMath()])
            program = env.compile(expr)
            activation = env.Activation(variables)
            return lambda: program.eval(activation)
        out["cel-expr-python"] = compile_cpp
    except Exception as e:  # the engine is missing: report it, do not stop
        print(json.dumps({"engine": "cel-expr-python", "name": "*", "error": repr(e)}), flush=True)
    try:
        import cel as rust

        def compile_rust(expr, variables):
            program = rust.compile(expr)
            return lambda: program.execute(variables)
        out["common-expression-language"] = compile_rust
    except Exception as e:
        print(json.dumps({"engine": "common-expression-language", "name": "*", "error": repr(e)}), flush=True)
    try:
        import celpy

        def compile_celpy(expr, variables):
            env = celpy.Environment()
            program = env.program(env.compile(expr))
            activation = {k: celpy.json_to_cel(v) for k, v in variables.items()}
            return lambda: program.evaluate(activation)
        out["cel-python"] = compile_celpy
    except Exception as e:
        print(json.dumps({"engine": "cel-python", "name": "*", "error": repr(e)}), flush=True)
    return out


def measure(run, budget_s):
    start = time.perf_counter()
    run()  # warm up, and surface errors before timing
    first = time.perf_counter() - start
    if first > 2.0:
        # One evaluation over 2 s (pure-Python engines on 100,000 elements): that single
        # evaluation is the figure, so the run ends in minutes rather than hours.
        return first * 1e9
    start = time.perf_counter()
    run()
    one = max(time.perf_counter() - start, 1e-7)
    per_batch = max(1, int(budget_s / 7 / one))
    # An engine that needs more than the budget for one evaluation gets 3 samples, not 7,
    # so the slowest engine on 100,000 elements does not hold the run for minutes.
    batches = 7 if one * 7 <= budget_s * 2 else 3
    means = []
    for _ in range(batches):
        t0 = time.perf_counter_ns()
        for _ in range(per_batch):
            run()
        means.append((time.perf_counter_ns() - t0) / per_batch)
    return statistics.median(means)


def main():
    workloads = json.load(sys.stdin)
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
    for engine, compile_fn in engines().items():
        for w in workloads:
            try:
                run = compile_fn(w["expr"], w["variables"])
                ns = measure(run, budget)
                print(json.dumps({"engine": engine, "name": w["name"], "ns_per_eval": ns}), flush=True)
            except Exception as e:
                print(json.dumps({"engine": engine, "name": w["name"], "error": repr(e)[:200]}), flush=True)


if __name__ == "__main__":
    main()
