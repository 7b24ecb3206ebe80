# genlab in a container: the hosting profile (deploy/serve.py) on port 8501, the store on /data.
#   docker build -t genlab .
#   docker run -d -p 8501:8501 -v genlab-store:/data --name genlab genlab
# Replicas of this image can share one store volume; see the README, "Hosting for a class".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# torch first, the CPU build from its own index: asked for through requirements.txt alone,
# pip would fetch the CUDA build (several GB). The next step finds its pin met (pip takes
# 2.13.0+cpu for ==2.13.0). Keep the pin equal to requirements.txt's (a test checks).
RUN pip install "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

# The app's user owns only the store; the code stays root's, read-only to the app.
RUN groupadd --gid 10001 genlab \
    && useradd --uid 10001 --gid 10001 --create-home genlab \
    && mkdir /data && chown genlab:genlab /data
COPY . .
ENV GENLAB_STORE=/data
# A named volume starts as a copy of /data here, owned by genlab; a host folder mounted
# instead must be writable by uid 10001.
VOLUME ["/data"]
# By number: Kubernetes' runAsNonRoot can only verify a numeric user.
USER 10001:10001

EXPOSE 8501
# No curl in the slim image: Python asks Streamlit's own health endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]
# exec form: the server is PID 1's program and gets docker stop's SIGTERM itself.
CMD ["python", "deploy/serve.py", "--port", "8501"]
