package io.vigil.dcs;
