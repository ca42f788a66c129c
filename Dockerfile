# One image for the API and the workers; the command chooses the role.
FROM node:20-bookworm-slim
# Debian's Norwegian traineddata ("fast" models) reads ~1.5x faster than the npm package's, with the
# same accuracy in our benchmark (benchmarks/RESULTS-ocr.md); the npm data stays the fallback.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core fontconfig tesseract-ocr-nor tesseract-ocr-eng \
  && rm -rf /var/lib/apt/lists/*
ENV OCR_LANG_PATH=/usr/share/tesseract-ocr/5/tessdata
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web
ENV NODE_ENV=production
# glibc: two malloc arenas; buffers of 1 MB and more mapped apart, so freed page images go back to the system (see the intake script).
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=1048576
USER node
ENTRYPOINT ["node", "--import", "tsx", "bin/intake.ts"]
CMD ["api"]
