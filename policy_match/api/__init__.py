"""The partner API (design §7): views, serializers, urls and the key/throttle/error plumbing."""
