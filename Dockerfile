# One image for the API and the workers; the command chooses the role.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core fontconfig \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV NODE_ENV=production
USER node
ENTRYPOINT ["node", "--import", "tsx", "bin/intake.ts"]
CMD ["api"]
