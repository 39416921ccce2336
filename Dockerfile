# The lrd command in a container: one image for every role (docker-compose.yml picks the role).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /opt/lrd
COPY --from=build /src/app/target/lrd.jar /opt/lrd/lrd.jar
COPY --from=build /src/app/target/lib /opt/lrd/lib
ENV OMP_WAIT_POLICY=PASSIVE
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true", "-jar", "/opt/lrd/lrd.jar"]
