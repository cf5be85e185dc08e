"""Helpers the tests share: real git repositories, plans, engines' schemas, Prometheus servers.

Modules:

- ``paths``: where the repository, the test fixtures and the golden files are.
- ``gitrepo``: throwaway git repositories built with real git (fixed dates, same ids each run).
- ``export_plans``: plans and targets for the export tests, hostile names included.
- ``crd_schemas``: the Argo Rollouts and Flagger CRD schemas, as validators.
- ``prom``: a real Prometheus server on loopback, started by the test.
- ``promtool_support``: running promtool on rule files and unit tests.
- ``postgres``: a real PostgreSQL server on a unix socket, started by the test.
- ``replay_fixtures``: small plans, traces and setups for the replay tests.
- ``replay_reference``: the per-tick reference model the fast replay is checked against.
"""
