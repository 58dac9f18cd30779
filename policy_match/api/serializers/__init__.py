"""Request and response serializers of the partner API."""
