"""The benefit period of a claim, read from the rule base: plain functions of dated inputs.

- ``duties``: the monthly-duty, back-pay and stop rules in force for a region and a
  month (or date), with their citations;
- ``ledger``: the month-by-month ledger (paid, lost, suspended, back-paid) and the
  back-pay options, as of a date;
- ``explain``: the Chinese explanations of ledger states and stop reports.

No database, no clock, no web framework: storage and orchestration live in ``api.claims``.
"""
