"""The expert registry and blind expert review panels."""
