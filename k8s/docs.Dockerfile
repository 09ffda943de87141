# The image of the docs Deployment (k8s/base/docs.yaml): make docs' output, laid out as the URLs
# it answers (openapi.json, docs/index.html, ...), under an unprivileged nginx listening on 8080.
#   make docs && docker build -f k8s/docs.Dockerfile -t commerce-docs:<version> .
FROM nginxinc/nginx-unprivileged:1.27-alpine
COPY docs/dist/ /usr/share/nginx/html/
