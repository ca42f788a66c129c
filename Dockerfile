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
USER node
ENTRYPOINT ["node", "--import", "tsx", "bin/intake.ts"]
CMD ["api"]
