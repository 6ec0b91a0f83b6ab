# Worker image for Dataflow (or any portable runner): the Beam SDK of the
# pinned version, the CPU build of torch, then cs-synth with the extras the
# jobs need.  See docs/cluster.md.
#
#   docker build -t IMAGE --build-arg CS_SYNTH_EXTRAS=report,translit .
#   cs-synth run recipe.yaml --runner DataflowRunner ... --sdk_container_image IMAGE
FROM apache/beam_python3.11_sdk:2.77.0

ARG CS_SYNTH_EXTRAS=""
ARG TORCH_VERSION=2.13.0
# torch only when an extra needs it (simalign, stanza, models): the CPU wheel,
# never the CUDA build and its nvidia-* packages
RUN case ",${CS_SYNTH_EXTRAS}," in \
      *,simalign,*|*,stanza,*|*,all,*) \
        pip install --no-cache-dir "torch==${TORCH_VERSION}" --index-url https://download.pytorch.org/whl/cpu ;; \
    esac

# eflomal 2.0.0 ships only an sdist (no wheel on PyPI); its src/Makefile sets
# CFLAGS=-Ofast -march=native, so a build on the image builder's CPU can die
# with SIGILL on a worker of another CPU family.  The environment's CFLAGS is
# ignored by that Makefile (a plain assignment); a variable in MAKEFLAGS
# counts as a make command-line definition and wins.  EFLOMAL_MARCH names the
# oldest CPU the workers may have (x86-64-v2: SSE4.2/POPCNT, any x86 server CPU
# of the last decade; for Arm workers build the image on Arm with e.g. armv8-a).
ARG EFLOMAL_MARCH=x86-64-v2
RUN MAKEFLAGS="CFLAGS=-Ofast\ -march=${EFLOMAL_MARCH}\ -mtune=generic\ -Wall\ --std=gnu99\ -Wno-unused-function\ -g\ -fopenmp" \
    pip install --no-cache-dir --no-binary eflomal "eflomal==2.0.0"

WORKDIR /opt/cs-synth
COPY setup.py README.md ./
COPY pipeline ./pipeline
COPY transforms ./transforms
COPY beam_jobs ./beam_jobs
RUN pip install --no-cache-dir ".${CS_SYNTH_EXTRAS:+[${CS_SYNTH_EXTRAS}]}" \
 && python -c "import pipeline, transforms, beam_jobs, os; \
assert all(m.__file__.startswith('/opt/cs-synth') or 'site-packages' in m.__file__ for m in (pipeline, transforms))"

# the Beam SDK image's own boot entry point stays in charge
ENTRYPOINT ["/opt/apache/beam/boot"]
