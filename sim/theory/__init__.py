"""Queueing theory the model is validated against, and the reduction of the model to textbook
queues."""
