"""The learner runtime: importing the learner's app, running its code against a deadline, judging
what happened, and what checks hold (client, responses, probes, expectations, services)."""
