"""Signals for the apps above: notifications never import them."""

from django.dispatch import Signal

# Sent (with ``user``) when someone stops all e-mail with the link in an e-mail, inside the same
# transaction: apps keeping their own e-mail preferences (matching's subscriptions) turn them off.
email_stopped = Signal()
