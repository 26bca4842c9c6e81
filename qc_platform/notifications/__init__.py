"""Notifications: stored notifications and the Socket.IO live channel."""
