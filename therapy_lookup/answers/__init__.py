"""Answers: availability, questions and trials, built on the knowledge and the resolver."""
