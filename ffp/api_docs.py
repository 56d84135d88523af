"""The API's Swagger UI without inline code, under the site's Content-Security-Policy.

drf-spectacular's SpectacularSwaggerSplitView serves Swagger UI's start script as a file of its own
(/api/docs/?script) instead of an inline <script>; templates/api/docs.html moves the page's <style> block to
static/api/docs.css. Swagger UI's stylesheet draws its icons as data: images, so this page's policy allows those
images (and nothing else more than the site's).
"""

from drf_spectacular.views import SpectacularSwaggerSplitView

from ffp.csp import HEADER, policy_with


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response[HEADER] = policy_with(img_src=["data:"])
        return response
