"""Open311 GeoReport v2 facade: categories are services, reports are service requests.

A different protocol from the rest of the API, with its own blueprint under
``/open311/v2/``: documents in JSON and XML as the published specification shapes them
(http://wiki.open311.org/GeoReport_v2), and errors as a list of ``{code, description}``.
"""
