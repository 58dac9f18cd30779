"""The startup pages (design §8): views, forms, template tags, urls; templates in pages/."""
