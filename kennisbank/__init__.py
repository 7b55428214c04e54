"""Kennisbank Toekomstscenario kind- en gezinsbescherming: Dutch document search and comparison."""
